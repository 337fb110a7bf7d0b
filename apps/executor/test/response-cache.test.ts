import { newRequestId, type ChatRequest } from '@switchyard/core';
import { daysBetween, groupLedger, readLedger } from '@switchyard/queue';
import { routedDecision } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './test-stack.ts';

describe('the response cache', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('cache', {
      tiers: [
        { name: 'cheap', deployments: [{ provider: 'sim', model: 'small', inputPerMTok: 1, outputPerMTok: 5 }] },
        { name: 'weak', deployments: [{ provider: 'sim', model: 'broken', inputPerMTok: 1, outputPerMTok: 5 }] },
        { name: 'top', deployments: [{ provider: 'sim', model: 'large', inputPerMTok: 15, outputPerMTok: 75 }] },
      ],
      providers: { sim: { type: 'simulated' } },
      // Every answer of `weak` fails the gate; with the cascade off it is served anyway.
      simulation: { latencyMs: { min: 0, max: 0 }, weakAnswerRate: { weak: 1 } },
      cascade: { enabled: false },
      cache: { enabled: true, ttlSeconds: 60 },
    });
  });
  afterAll(() => stack.close());

  async function run(request: ChatRequest, tier = 'cheap') {
    const id = newRequestId();
    await stack.runtime.store.create([{ id, request }]);
    // Executors run only the hop a record was routed to.
    await stack.runtime.store.setDecision(id, routedDecision(tier, stack.config.classifier.fallbackRoute));
    await stack.runtime.queues.enqueueHop({ requestId: id, hop: 0, tier, history: [] });
    const [record] = await stack.finished([id]);
    if (record === undefined) throw new Error('no record');
    return record;
  }
  const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
    messages: [{ role: 'user', content }],
    ...extra,
  });

  it('serves an identical request from the cache: no call, no cost, marked on the record and the ledger', async () => {
    const first = await run(ask('Name three prime numbers.'));
    const second = await run(ask('  Name three   prime numbers. '));
    expect(first.cacheHit).toBeUndefined();
    expect(first.costUsd).toBeGreaterThan(0);
    expect(second.cacheHit).toBe(true);
    expect(second.final?.answer).toBe(first.final?.answer);
    expect(second.costUsd).toBe(0);
    expect(second.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(second.attempts[0]?.deployment).toEqual({ provider: 'cache', model: 'sim/small' });
    // The saving of a hit is the premium price of the answer it did not pay for.
    expect(second.baselineCostUsd).toBe(first.baselineCostUsd);

    const today = new Date().toISOString().slice(0, 10);
    const cells = await readLedger(stack.runtime.redis, stack.runtime.keys, daysBetween(today, today));
    const { groups } = groupLedger(cells, 'deployment');
    expect(groups['cache/sim/small']).toMatchObject({ requests: 1, cacheHits: 1, costUsd: 0 });
  });

  it('a different parameter or an opted-out request is a miss, and the opt-out does not fill the cache', async () => {
    await run(ask('Spell "cat" backwards.'));
    expect((await run(ask('Spell "cat" backwards.', { temperature: 0.3 }))).cacheHit).toBeUndefined();
    expect((await run(ask('Spell "cat" backwards.', { cache: false }))).cacheHit).toBeUndefined();

    const optedOut = ask('Spell "dog" backwards.', { cache: false });
    await run(optedOut);
    expect((await run(ask('Spell "dog" backwards.'))).cacheHit).toBeUndefined();
  });

  it('an answer that failed the quality gate is never cached', async () => {
    const weak = await run(ask('Describe a sunset in one line.'), 'weak');
    expect(weak.final?.qualityScore).toBeLessThan(0.7);
    const again = await run(ask('Describe a sunset in one line.'), 'weak');
    expect(again.cacheHit).toBeUndefined();
    expect(again.costUsd).toBeGreaterThan(0);
  });
});
