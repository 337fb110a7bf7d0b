import { loadConfig, newRequestId, type Attempt, type FinalAnswer } from '@switchyard/core';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const attempt = (hop: number, qualityScore: number): Attempt => ({
  hop,
  tier: hop === 0 ? 'simple' : 'medium',
  deployment: { provider: 'simulated', model: `m${hop}` },
  startedAt: new Date().toISOString(),
  latencyMs: 10,
  usage: { inputTokens: 100, outputTokens: 50 },
  costUsd: 0.001 * (hop + 1),
  baselineCostUsd: 0.01,
  finishReason: 'stop',
  answer: `answer ${hop}`,
  simulated: true,
  qualityScore,
  qualityReasons: [],
  skipped: [],
});

const final = (hop: number): FinalAnswer => ({
  answer: `answer ${hop}`,
  tier: 'medium',
  deployment: { provider: 'simulated', model: `m${hop}` },
  hop,
  qualityScore: 1,
  simulated: true,
  finishReason: 'stop',
});

describe('request store', () => {
  let runtime: QueueRuntime;

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('store');
    config.queue.retentionSeconds = 600;
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'worker');
  });

  afterAll(() => runtime.close());

  it('keeps one attempt per hop, sums cost over attempts, and publishes completion exactly once', async () => {
    const id = newRequestId();
    const events = runtime.events();
    await events.start();
    const heard: string[] = [];
    const stop = events.onRequest(id, (event) => heard.push(event.status));

    await runtime.store.create([{ id, request: { messages: [{ role: 'user', content: 'hi' }] } }]);
    await runtime.store.recordAttempt({ ...attempt(0, 0.2), requestId: id });
    await runtime.store.recordAttempt({ ...attempt(0, 0.2), requestId: id }); // a redelivered hop
    await runtime.store.recordAttempt({ ...attempt(1, 1), requestId: id });

    const completion = new Promise<void>((resolve) => events.onRequest(id, () => resolve()));
    expect(await runtime.store.complete(id, final(1))).toBe(true);
    expect(await runtime.store.complete(id, final(1))).toBe(false);
    expect(await runtime.store.fail(id, { code: 'internal_error', message: 'a late failure must not reopen it' })).toBe(
      false,
    );
    await completion;

    const record = await runtime.store.get(id);
    expect(record?.status).toBe('completed');
    expect(record?.attempts.map((stored) => stored.hop)).toEqual([0, 1]);
    expect(record?.costUsd).toBeCloseTo(0.003, 9);
    expect(record?.baselineCostUsd).toBeCloseTo(0.01, 9);
    expect(record?.usage).toEqual({ inputTokens: 200, outputTokens: 100 });
    expect(record?.error).toBeUndefined();
    // Terminal records are not rewritten by late writers.
    expect(
      await runtime.store.setDecision(id, {
        strategy: 'x',
        tier: 'simple',
        route: 'general',
        confidence: 1,
        scores: {},
        adjustments: [],
        chain: [],
        durationUs: 1,
      }),
    ).toBe(false);
    expect((await runtime.store.get(id))?.status).toBe('completed');

    // A round trip through Redis pub/sub so that a second event, had there been one, arrived.
    await runtime.redis.publish(
      runtime.keys.eventsChannel,
      JSON.stringify({ requestId: 'req_marker', batchId: null, status: 'completed' }),
    );
    await new Promise<void>((resolve) => events.onRequest('req_marker', () => resolve()));
    stop();
    expect(heard).toEqual(['completed']);
  });

  it('maps an idempotency key to the first request that claimed it, while that request exists', async () => {
    const key = `client-key-{with braces}-${Date.now()}`;
    const first = newRequestId();
    const exists = async (id: string) => (await runtime.store.getStatus(id)) !== undefined;
    expect(await runtime.store.claimIdempotencyKey(key, first, exists)).toBe(first);
    // The first claimant never wrote its record (a rolled-back submission): the key is taken over.
    const second = newRequestId();
    expect(await runtime.store.claimIdempotencyKey(key, second, exists)).toBe(second);
    await runtime.store.create([{ id: second, request: { messages: [{ role: 'user', content: 'x' }] } }]);
    expect(await runtime.store.claimIdempotencyKey(key, newRequestId(), exists)).toBe(second);
  });

  it('lets exactly one of several concurrent claimants take over a key whose owner vanished', async () => {
    const key = `vanished-${Date.now()}`;
    const vanished = newRequestId();
    expect(await runtime.store.claimIdempotencyKey(key, vanished, async () => true)).toBe(vanished);
    const claimants = Array.from({ length: 6 }, () => newRequestId());
    const owners = await Promise.all(
      claimants.map((id) => runtime.store.claimIdempotencyKey(key, id, async (owner) => owner !== vanished)),
    );
    expect(new Set(owners).size).toBe(1);
    expect(claimants).toContain(owners[0]);
  });

  it('counts and streams a batch of 1,200 records in submission order', async () => {
    const batchId = `batch_${Date.now()}`;
    const ids = Array.from({ length: 1_200 }, () => newRequestId());
    await runtime.store.create(
      ids.map((id) => ({ id, request: { messages: [{ role: 'user', content: id }] }, batchId })),
    );
    await runtime.store.createBatch({ id: batchId, total: ids.length, createdAt: new Date().toISOString() }, ids);
    await runtime.store.fail(ids[5] ?? '', { code: 'internal_error', message: 'y' });
    const counts = await runtime.store.batchCounts(batchId);
    expect(counts).toMatchObject({ total: 1_200, queued: 1_199, failed: 1 });
    const streamed: string[] = [];
    for await (const record of runtime.store.batchRecords(batchId)) streamed.push(record.id);
    expect(streamed).toEqual(ids);
  });
});
