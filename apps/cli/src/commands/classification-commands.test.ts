import { loadConfig } from '@switchyard/core';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../bin/switchyard.mjs', import.meta.url));
const labeledSet = fileURLToPath(new URL('../../../../packages/classifiers/data/labeled-prompts.jsonl', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));

/** Runs `switchyard <args>` as a child process; resolves with its output and exit code either way. */
async function switchyard(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('switchyard train, route and eval', () => {
  it('trains a model that the trained strategy then loads, and prints JSON with --json', async () => {
    const model = join(directory, 'model.json');
    const trained = await switchyard('train', labeledSet, '-o', model, '--strong-share', '0.3', '--json');
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout)).toMatchObject({ output: model, examples: 369, targetStrongShare: 0.3, strongTier: 'complex' });
    expect(JSON.parse(readFileSync(model, 'utf8'))).toMatchObject({ format: 'switchyard.tier-model', tiers: ['simple', 'medium', 'complex'] });

    const config = join(directory, 'config.json');
    writeFileSync(config, JSON.stringify({ ...defaultConfigDocument(), classifier: { strategies: ['trained', 'keywords'], defaultTier: 'medium', trained: { modelPath: model } } }));
    const routed = await switchyard('route', 'Prove that every bounded monotone sequence converges.', '--explain', '--json', '--config', config);
    expect(routed.code, routed.stderr).toBe(0);
    const explanation = JSON.parse(routed.stdout) as { decision: { tier: string; strategy: string }; strategies: { strategy: string }[] };
    expect(explanation.decision).toMatchObject({ tier: 'complex', strategy: 'trained' });
    expect(explanation.strategies.map((verdict) => verdict.strategy)).toEqual(['trained', 'keywords']);
  });

  it('stops with a clear message when the model file is not a tier model', async () => {
    const config = join(directory, 'bad-model.json');
    writeFileSync(config, JSON.stringify({ ...defaultConfigDocument(), classifier: { strategies: ['trained'], defaultTier: 'medium', trained: { modelPath: labeledSet } } }));
    const result = await switchyard('route', 'hi', '--config', config);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/switchyard: tier model .*labeled-prompts\.jsonl is not valid JSON/);
  });

  it('evaluates a labeled file with the same figures in the table and in the JSON', async () => {
    const small = join(directory, 'small.jsonl');
    writeFileSync(small, readFileSync(labeledSet, 'utf8').split('\n').filter((_, index) => index % 3 === 0).join('\n'));
    const [table, json] = await Promise.all([switchyard('eval', small), switchyard('eval', small, '--json')]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { results: { name: string; metrics: { accuracy: number; underRoutingRate: number } }[] };
    expect(report.results.map((result) => result.name)).toEqual(['keywords', 'rules', 'centroid', 'trained', 'chain']);
    const chain = report.results[4]?.metrics;
    expect(table.stdout).toMatch(new RegExp(`chain +rules,keywords +${((chain?.accuracy ?? 0) * 100).toFixed(1)}% +${((chain?.underRoutingRate ?? 0) * 100).toFixed(1)}%`));
    expect(table.stdout).toContain('Note: llm: not measured');
  });

  it('names the missing RouteLLM directory', async () => {
    const result = await switchyard('eval', '--routellm', join(directory, 'nowhere'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`RouteLLM data directory ${join(directory, 'nowhere')} does not exist`);
  });
});

/** The bundled config, parsed, to write variants of it. */
function defaultConfigDocument(): Record<string, unknown> {
  return { ...loadConfig() };
}
