import {
  KeySpace,
  createRedis,
  daysBetween,
  waitForRedis,
  groupLedger,
  readLedger,
  readTrafficDrift,
} from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './test-stack.ts';

const price = (inputPerMTok: number, outputPerMTok: number, model: string) => ({
  provider: 'sim',
  model,
  inputPerMTok,
  outputPerMTok,
});

describe('the cost ledger', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('ledger', {
      tiers: [
        { name: 'simple', deployments: [price(0.15, 0.6, 'small')] },
        { name: 'medium', deployments: [price(1, 5, 'middle')] },
        { name: 'complex', deployments: [price(15, 75, 'large')] },
      ],
      providers: { sim: { type: 'simulated' } },
      // A third of cheap answers and a fifth of medium ones are weak: escalations on both tiers.
      simulation: { latencyMs: { min: 0, max: 0 }, weakAnswerRate: { simple: 0.35, medium: 0.2 } },
      queue: { executorConcurrency: 20 },
    });
  });
  afterAll(() => stack.close());

  it('after a batch of 1,000, holds exactly the totals of the records, per tier and in all', async () => {
    const ids = await Promise.all(
      Array.from({ length: 1_000 }, (_, index) => stack.submit(`Question ${index}: explain item ${index * 7} briefly`)),
    );
    const records = await stack.finished(ids);
    const today = new Date().toISOString().slice(0, 10);
    // A batch running across midnight UTC lands in two days: read both.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const cells = await readLedger(stack.runtime.redis, stack.runtime.keys, daysBetween(yesterday, today));
    const { total, groups } = groupLedger(cells, 'tier');

    const expected: Record<string, { requests: number; attempts: number; escalations: number; costUsd: number }> = {};
    let inputTokens = 0;
    let outputTokens = 0;
    for (const record of records) {
      for (const attempt of record.attempts) {
        expected[attempt.tier] ??= { requests: 0, attempts: 0, escalations: 0, costUsd: 0 };
        const tier = expected[attempt.tier];
        if (tier === undefined) continue;
        tier.attempts += 1;
        tier.costUsd += attempt.costUsd;
        if (attempt.escalationReason !== undefined) tier.escalations += 1;
        inputTokens += attempt.usage.inputTokens;
        outputTokens += attempt.usage.outputTokens;
      }
      const served = record.final?.tier ?? 'none';
      expected[served] ??= { requests: 0, attempts: 0, escalations: 0, costUsd: 0 };
      (expected[served] as { requests: number }).requests += 1;
    }
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

    expect(records.every((record) => record.status === 'completed')).toBe(true);
    expect(total.requests).toBe(1_000);
    expect(total.escalations).toBeGreaterThan(100);
    expect(total.attempts).toBe(sum(records.map((record) => record.attempts.length)));
    expect(total.inputTokens).toBe(inputTokens);
    expect(total.outputTokens).toBe(outputTokens);
    expect(total.costUsd).toBeCloseTo(sum(records.map((record) => record.costUsd)), 8);
    expect(total.baselineUsd).toBeCloseTo(sum(records.map((record) => record.baselineCostUsd)), 8);
    expect(total.savedUsd).toBeCloseTo(total.baselineUsd - total.costUsd, 8);
    expect(Object.keys(groups).sort()).toEqual(Object.keys(expected).sort());
    for (const [tier, figures] of Object.entries(expected)) {
      expect(groups[tier]).toMatchObject({
        requests: figures.requests,
        attempts: figures.attempts,
        escalations: figures.escalations,
      });
      expect(groups[tier]?.costUsd).toBeCloseTo(figures.costUsd, 8);
    }

    // The same step counts each request in its hour: the traffic drift sees the batch's tiers.
    const drift = await readTrafficDrift(stack.runtime.redis, stack.runtime.keys);
    expect(drift.lastDay.requests).toBe(1_000);
    for (const [tier, figures] of Object.entries(expected))
      expect(drift.lastDay.shares[tier]).toBeCloseTo(figures.requests / 1_000, 3);
  });

  it('counts a record once, however often it is finished', async () => {
    const [id] = await Promise.all([stack.submit('What is the capital of France?')]);
    if (id === undefined) throw new Error('no id');
    const [record] = await stack.finished([id]);
    const before = groupLedger(
      await readLedger(stack.runtime.redis, stack.runtime.keys, [new Date().toISOString().slice(0, 10)]),
      'tier',
    ).total;
    // A redelivered last hop completes again: the record is terminal already, nothing is added.
    expect(record?.final).toBeDefined();
    expect(await stack.runtime.store.complete(id, record?.final as NonNullable<typeof record>['final'] & object)).toBe(
      false,
    );
    expect(await stack.runtime.store.fail(id, { code: 'internal_error', message: 'late' })).toBe(false);
    const after = groupLedger(
      await readLedger(stack.runtime.redis, stack.runtime.keys, [new Date().toISOString().slice(0, 10)]),
      'tier',
    ).total;
    expect(after).toEqual(before);
  });
});

describe('the traffic drift', () => {
  it('compares the last hour with the last day, counting the oldest hour for its part inside the window', async () => {
    const redis = createRedis(await redisUrlForTests(), 'producer');
    await waitForRedis(redis, 10_000);
    const keys = new KeySpace(uniquePrefix('drift'));
    const now = Date.parse('2026-03-10T12:30:00Z');
    // 12:00-12:30 and half of 11:00-12:00 make the last hour; 12:00 of the day before is half inside the day.
    await redis.hset(keys.ledger(0, '2026-03-10'), 'hour|12|complex|a', 30, 'hour|11|simple|a', 60);
    await redis.hset(keys.ledger(5, '2026-03-10'), 'hour|02|simple|b', 200, 'hour|12|simple|b', 30);
    await redis.hset(keys.ledger(9, '2026-03-09'), 'hour|12|medium|a', 100, 'hour|11|medium|a', 999);
    await redis.hset(keys.ledger(9, '2026-03-09'), 'requests|simple|sim/small|general|a', 7);
    const drift = await readTrafficDrift(redis, keys, now);
    expect(drift.lastHour).toEqual({ requests: 90, shares: { complex: 0.3333, simple: 0.6667 } });
    // 30 + 60 + 200 + 30 + 50 (half of 12:00); 11:00 of the day before is outside.
    expect(drift.lastDay.requests).toBe(370);
    expect(drift.lastDay.shares.medium).toBeCloseTo(50 / 370, 4);
    expect(drift.shift.complex).toBeCloseTo(1 / 3 - 30 / 370, 3);
    expect(drift.largest?.tier).toBe('complex');
    // A client key sees only its own hours.
    const own = await readTrafficDrift(redis, keys, now, 'b');
    expect(own.lastHour).toEqual({ requests: 30, shares: { simple: 1 } });
    redis.disconnect();
  });
});
