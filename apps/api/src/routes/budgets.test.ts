import { loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'budget-test', level: 'silent' });

describe('budgets per key', () => {
  let app: FastifyInstance | undefined;
  let runtime: QueueRuntime | undefined;
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
  });

  async function start(budget: Record<string, unknown>, adjust?: (config: SwitchyardConfig) => void) {
    const config: SwitchyardConfig = loadConfig();
    adjust?.(config);
    config.queue.prefix = uniquePrefix('budget');
    config.budgets = { local: { softThreshold: 0.8, estimateOutputTokens: 1_024, ...budget } as never };
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
    return { app, runtime };
  }
  // 100 output tokens on the default tiers: a little under one cent of reservation per request.
  const ask = {
    messages: [{ role: 'user', content: 'Prove that there are infinitely many primes.' }],
    max_tokens: 100,
  };

  it('reject: once reservations reach the budget, 402 in the OpenAI shape with budget, spend and reset', async () => {
    const { app } = await start({ dailyUsd: 0.03, onExceeded: 'reject' });
    const statuses: number[] = [];
    let refusal: { error: { code: string; type: string; message: string } } | undefined;
    for (let index = 0; index < 10; index += 1) {
      const response = await app.inject({ method: 'POST', url: '/v1/requests', payload: ask });
      statuses.push(response.statusCode);
      if (response.statusCode === 402) refusal = response.json();
    }
    expect(statuses.filter((status) => status === 202).length).toBeGreaterThan(0);
    expect(statuses.at(-1)).toBe(402);
    // Once refused, every later request is refused too (nothing settled in between).
    expect(statuses.slice(statuses.indexOf(402)).every((status) => status === 402)).toBe(true);
    expect(refusal?.error.code).toBe('budget_exceeded');
    expect(refusal?.error.type).toBe('insufficient_quota');
    expect(refusal?.error.message).toMatch(
      /daily budget of \$0\.03 for key "local" is used up: spent \$0\.0000, \$0\.0\d+ reserved/,
    );
    expect(refusal?.error.message).toMatch(/resets at \d{4}-\d{2}-\d{2}T00:00:00\.000Z/);
    const stats = (await app.inject({ method: 'GET', url: '/v1/stats' })).json();
    expect(stats.budgets.local.daily).toMatchObject({ limitUsd: 0.03, spentUsd: 0, pastSoftThreshold: true });
    expect(stats.budgets.local.daily.reservedUsd).toBeLessThanOrEqual(0.03);
  });

  it('cap: over budget the request is still accepted, limited to the cap tier', async () => {
    const { app, runtime } = await start({ dailyUsd: 0.01, onExceeded: 'cap', capTier: 'simple' });
    const first = await app.inject({ method: 'POST', url: '/v1/requests', payload: ask });
    const second = await app.inject({ method: 'POST', url: '/v1/requests', payload: ask });
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    const records = await Promise.all([first, second].map((response) => runtime.store.get(response.json().id)));
    expect(records[0]?.budgetMaxTier).toBeUndefined();
    expect(records[1]?.budgetMaxTier).toBe('simple');
    expect(records[1]?.keyId).toBe('local');
  });

  it('the finishing step turns the reservation into the real cost', async () => {
    const { app, runtime } = await start({ dailyUsd: 1, onExceeded: 'reject' });
    const response = await app.inject({ method: 'POST', url: '/v1/requests', payload: ask });
    const { id } = response.json();
    const reserved = (await app.inject({ method: 'GET', url: '/v1/stats' })).json().budgets.local.daily;
    expect(reserved.reservedUsd).toBeGreaterThan(0);
    await runtime.store.recordAttempt({
      requestId: id,
      hop: 0,
      tier: 'simple',
      deployment: { provider: 'anthropic', model: 'claude-haiku-4-5' },
      startedAt: new Date().toISOString(),
      latencyMs: 1,
      usage: { inputTokens: 10, outputTokens: 10 },
      costUsd: 0.00006,
      baselineCostUsd: 0.0009,
      finishReason: 'stop',
      answer: 'yes',
      simulated: false,
      qualityScore: 1,
      qualityReasons: [],
      skipped: [],
    });
    await runtime.store.fail(id, { code: 'job_failed', message: 'ended' });
    const settled = (await app.inject({ method: 'GET', url: '/v1/stats' })).json().budgets.local.daily;
    expect(settled).toMatchObject({ reservedUsd: 0, spentUsd: 0.00006 });
  });

  it('reserves the thinking budget of a tier on top of the answer limit', async () => {
    const reservedFor = async (adjust?: (config: SwitchyardConfig) => void) => {
      const started = await start({ dailyUsd: 1, onExceeded: 'reject' }, adjust);
      await started.app.inject({ method: 'POST', url: '/v1/requests', payload: ask });
      const stats = (await started.app.inject({ method: 'GET', url: '/v1/stats' })).json();
      await started.app.close();
      await started.runtime.close();
      [app, runtime] = [undefined, undefined];
      return stats.budgets.local.daily.reservedUsd as number;
    };
    const plain = await reservedFor();
    const thinking = await reservedFor((config) => {
      const complex = config.tiers.find((tier) => tier.name === 'complex');
      if (complex !== undefined) complex.thinking = { budgetTokens: 4_096 };
    });
    // 4,096 more output tokens on the dearest complex deployment (claude-opus-4-1, $75/M).
    expect(thinking - plain).toBeCloseTo(0.3072, 6);
  });
});
