import { describe, expect, it } from 'vitest';
import { parseConfig } from './config-loader.ts';
import { ConfigError } from './errors.ts';

const base = {
  tiers: [
    { name: 'cheap', deployments: [{ provider: 'openai', model: 'mini', inputPerMTok: 0.15, outputPerMTok: 0.6 }] },
    { name: 'dear', deployments: [{ provider: 'openai', model: 'big', inputPerMTok: 2.5, outputPerMTok: 10 }] },
  ],
  routes: [{ name: 'general' }],
  classifier: { defaultTier: 'cheap' },
  providers: { openai: { type: 'openai' }, recorded: { type: 'replay', dataset: 'answers.csv' } },
};

function issuesOf(judge: Record<string, unknown>): readonly string[] {
  try {
    parseConfig({ ...base, quality: { judge } });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('quality.judge config', () => {
  it('is off by default, with excerpt caps and a timeout', () => {
    expect(parseConfig(base).quality.judge).toEqual({
      enabled: false,
      maxPromptChars: 4_000,
      maxAnswerChars: 4_000,
      maxOutputTokens: 200,
      timeoutMs: 10_000,
    });
  });

  it('takes a tier or a deployment of its own', () => {
    expect(issuesOf({ enabled: true, tier: 'cheap' })).toEqual([]);
    const deployment = { provider: 'openai', model: 'nano', inputPerMTok: 0.05, outputPerMTok: 0.4 };
    expect(parseConfig({ ...base, quality: { judge: { enabled: true, deployment } } }).quality.judge).toMatchObject({
      enabled: true,
      deployment,
    });
  });

  it('names what is wrong', () => {
    expect(issuesOf({ enabled: true })).toEqual([
      'quality.judge: enabled needs "tier" (a tier whose deployments judge) or "deployment" (one of its own)',
    ]);
    expect(issuesOf({ enabled: true, tier: 'huge' })).toEqual([
      'quality.judge.tier: unknown tier "huge" (tiers: cheap, dear)',
    ]);
    const elsewhere = { provider: 'azure', model: 'mini', inputPerMTok: 0, outputPerMTok: 0 };
    expect(issuesOf({ enabled: true, deployment: elsewhere })).toEqual([
      'quality.judge.deployment.provider: unknown provider "azure" (providers: openai, recorded)',
    ]);
    expect(issuesOf({ tier: 'cheap', deployment: { ...elsewhere, provider: 'openai' } })).toEqual([
      'quality.judge: give "tier" or "deployment", not both',
    ]);
    expect(issuesOf({ enabled: true, deployment: { ...elsewhere, provider: 'recorded' } })).toEqual([
      'quality.judge: provider "recorded" is a replay endpoint: it has no recorded judgements',
    ]);
    expect(issuesOf({ enabled: true, tier: 'cheap', threshold: 0.5 })[0]).toMatch(/^quality\.judge: Unrecognized key/);
    expect(issuesOf({ enabled: true, tier: 'cheap', timeoutMs: 0 })[0]).toMatch(
      /^quality\.judge\.timeoutMs: Too small/,
    );
  });
});
