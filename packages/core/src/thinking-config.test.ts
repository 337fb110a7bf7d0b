import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './config-loader.ts';
import { ConfigError } from './errors.ts';
import { addUsage, costUsd } from './pricing.ts';
import { effortForBudget, mostThinkingTokens, resolveThinking, thinkingOutputLimit } from './thinking-config.ts';

const base = loadConfig();

function issuesOf(document: Record<string, unknown>): readonly string[] {
  try {
    parseConfig(document);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('thinking config', () => {
  it('parses a budget on a tier and an override (or false) on a route', () => {
    const config = parseConfig({
      ...base,
      tiers: base.tiers.map((tier) =>
        tier.name === 'complex' ? { ...tier, thinking: { budgetTokens: 4_096 } } : tier,
      ),
      routes: base.routes.map((route) =>
        route.name === 'code'
          ? { ...route, thinking: { effort: 'high' } }
          : route.name === 'creative'
            ? { ...route, thinking: false }
            : route,
      ),
    });
    expect(config.tiers.find((tier) => tier.name === 'complex')?.thinking).toEqual({ budgetTokens: 4_096 });
    expect(config.tiers.find((tier) => tier.name === 'simple')?.thinking).toBeUndefined();
    expect(config.routes.find((route) => route.name === 'code')?.thinking).toEqual({ effort: 'high' });
    expect(config.routes.find((route) => route.name === 'creative')?.thinking).toBe(false);
  });

  it("refuses a budget under Anthropic's minimum, an unknown effort and an empty setting, naming the field", () => {
    const withTierThinking = (thinking: unknown) => ({
      ...base,
      tiers: base.tiers.map((tier, index) => (index === 2 ? { ...tier, thinking } : tier)),
    });
    expect(issuesOf(withTierThinking({ budgetTokens: 512 }))).toEqual([
      "tiers[2].thinking.budgetTokens: must be at least 1024 (Anthropic's minimum)",
    ]);
    expect(issuesOf(withTierThinking({ effort: 'extreme' }))[0]).toMatch(/^tiers\[2\]\.thinking\.effort: /);
    expect(issuesOf(withTierThinking({}))).toEqual(['tiers[2].thinking: needs effort, budgetTokens or both']);
    expect(issuesOf(withTierThinking({ budgetTokens: 2_000, enabled: true }))[0]).toMatch(
      /^tiers\[2\]\.thinking: Unrecognized key/,
    );
  });

  it('resolves the route over the tier, false to none, and fills the field each provider needs', () => {
    const tier = { thinking: { budgetTokens: 10_000 } };
    expect(resolveThinking(tier, undefined)).toEqual({ budgetTokens: 10_000, effort: 'medium' });
    expect(resolveThinking(tier, { thinking: { effort: 'low' } })).toEqual({ budgetTokens: 2_048, effort: 'low' });
    expect(resolveThinking(tier, { thinking: false })).toBeUndefined();
    expect(resolveThinking(tier, {})).toEqual({ budgetTokens: 10_000, effort: 'medium' });
    expect(resolveThinking({}, undefined)).toBeUndefined();
    expect(resolveThinking({}, { thinking: { effort: 'high', budgetTokens: 1_024 } })).toEqual({
      effort: 'high',
      budgetTokens: 1_024,
    });
  });

  it('maps budgets to efforts at 4,096 and 16,384, and each effort back to itself', () => {
    expect([1_024, 4_095, 4_096, 16_383, 16_384, 64_000].map(effortForBudget)).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
    ]);
    for (const effort of ['low', 'medium', 'high'] as const)
      expect(effortForBudget(resolveThinking({ thinking: { effort } }, undefined)?.budgetTokens ?? 0)).toBe(effort);
  });

  it('puts the budget on top of the answer limit, and finds the largest budget a tier may use', () => {
    expect(thinkingOutputLimit(1_024, { effort: 'low', budgetTokens: 2_048 })).toBe(3_072);
    const routes = [{}, { thinking: { budgetTokens: 20_000 } }, { thinking: false as const }];
    expect(mostThinkingTokens({ thinking: { budgetTokens: 4_096 } }, routes)).toBe(20_000);
    expect(mostThinkingTokens({}, [{}, { thinking: false as const }])).toBe(0);
  });
});

describe('pricing of thinking tokens', () => {
  it('prices thinking as the output tokens it is part of, never twice', () => {
    const prices = { inputPerMTok: 3, outputPerMTok: 15 };
    const withThinking = { inputTokens: 1_000, outputTokens: 5_000, thinkingTokens: 4_000 };
    // 1,000 × $3/M + 5,000 × $15/M: the 4,000 thinking tokens are inside the 5,000.
    expect(costUsd(prices, withThinking)).toBeCloseTo(0.078, 12);
    expect(costUsd(prices, withThinking)).toBe(costUsd(prices, { inputTokens: 1_000, outputTokens: 5_000 }));
  });

  it('sums thinking tokens over attempts only when some attempt has them', () => {
    const plain = { inputTokens: 10, outputTokens: 20 };
    expect(addUsage(plain, plain)).toEqual({ inputTokens: 20, outputTokens: 40 });
    expect(addUsage(plain, { inputTokens: 1, outputTokens: 900, thinkingTokens: 800 })).toEqual({
      inputTokens: 11,
      outputTokens: 920,
      thinkingTokens: 800,
    });
  });
});
