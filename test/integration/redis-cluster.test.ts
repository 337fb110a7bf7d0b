import { loadConfig, newBatchId, newRequestId, type FinalAnswer } from '@switchyard/core';
import { createRedisBreakerSync, type BreakerMessage } from '@switchyard/providers';
import { createQueueRuntime, createRedis, redisAnswers, waitForRedis, type QueueRuntime } from '@switchyard/queue';
import { startRedisCluster, uniquePrefix, type RedisClusterProcess } from '@switchyard/testkit';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const final: FinalAnswer = {
  answer: 'done',
  tier: 'simple',
  deployment: { provider: 'simulated', model: 'm' },
  hop: 0,
  qualityScore: 1,
  simulated: true,
  finishReason: 'stop',
};

/** The messages `subscriber` receives, and a promise that resolves once there are `count`. */
function collect(subscriber: Redis, count: number): { messages: string[]; done: Promise<void> } {
  const messages: string[] = [];
  const done = new Promise<void>((resolve) => {
    subscriber.on('message', (_channel: string, message: string) => {
      messages.push(message);
      if (messages.length === count) resolve();
    });
  });
  return { messages, done };
}

describe('Switchyard state on a Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  let runtime: QueueRuntime;
  const open: { disconnect(): void }[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster();
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('cluster-store');
    config.queue.retentionSeconds = 600;
    runtime = createQueueRuntime(config, cluster.url, 'worker');
    await waitForRedis(runtime.redis, 10_000);
  });

  afterAll(async () => {
    for (const client of open) client.disconnect();
    await runtime?.close();
    await cluster?.stop();
  });

  it('connects through a cluster client, and says whether a cluster answers', async () => {
    expect(runtime.redis).toBeInstanceOf(Cluster);
    expect(await redisAnswers(cluster.url)).toBe(true);
    // One seed is enough to find the whole cluster; a seed where nobody listens is not.
    expect(await redisAnswers(`redis+cluster://127.0.0.1:${cluster.ports[0]}`)).toBe(true);
    expect(await redisAnswers('redis+cluster://127.0.0.1:1')).toBe(false);
  });

  it('writes and reads a batch with records on every node, and every node hears each completion once', async () => {
    const batchId = newBatchId();
    const ids = Array.from({ length: 60 }, () => newRequestId());
    // 60 random ids over 3 nodes: all three hold some (a miss has odds of about 1e-10).
    const ports = new Set(await Promise.all(ids.map((id) => cluster.portOf(runtime.keys.request(id)))));
    expect(ports.size).toBe(3);

    // A plain subscriber on each node: a PUBLISH from a script on one node must reach them all.
    const nodeSubscribers = await Promise.all(
      cluster.ports.map(async (port) => {
        const subscriber = new Redis(port, '127.0.0.1');
        open.push(subscriber);
        await subscriber.subscribe(runtime.keys.eventsChannel);
        return subscriber;
      }),
    );
    const heardByNode = nodeSubscribers.map((subscriber) => collect(subscriber, ids.length));
    const events = runtime.events();
    await events.start();
    const heardByRuntime: string[] = [];
    const allHeard = new Promise<void>((resolve) =>
      events.onBatch(batchId, (event) => {
        heardByRuntime.push(event.requestId);
        if (heardByRuntime.length === ids.length) resolve();
      }),
    );

    await runtime.store.create(
      ids.map((id, index) => ({
        id,
        batchId,
        customId: `line-${index}`,
        request: { messages: [{ role: 'user', content: `q${index}` }] },
      })),
    );
    await runtime.store.createBatch({ id: batchId, total: ids.length, createdAt: new Date().toISOString() }, ids);
    expect(await runtime.store.batchCounts(batchId)).toMatchObject({ total: 60, queued: 60 });

    const outcomes = await Promise.all(
      ids.map((id, index) =>
        index % 2 === 0
          ? runtime.store.complete(id, final)
          : runtime.store.fail(id, { code: 'internal_error', message: 'half fail' }),
      ),
    );
    expect(outcomes.every(Boolean)).toBe(true);
    await Promise.all([allHeard, ...heardByNode.map((heard) => heard.done)]);
    expect(new Set(heardByRuntime)).toEqual(new Set(ids));
    for (const heard of heardByNode)
      expect(new Set(heard.messages.map((text) => (JSON.parse(text) as { requestId: string }).requestId))).toEqual(
        new Set(ids),
      );

    expect(await runtime.store.batchCounts(batchId)).toMatchObject({ total: 60, completed: 30, failed: 30 });
    const records = [];
    for await (const record of runtime.store.batchRecords(batchId)) records.push(record);
    expect(records.map((record) => record.id)).toEqual(ids);
    expect(records.map((record) => record.customId)).toEqual(ids.map((_, index) => `line-${index}`));

    await runtime.store.discard(ids, batchId);
    expect(await runtime.store.getBatch(batchId)).toBeUndefined();
    expect((await Promise.all(ids.map((id) => runtime.store.get(id)))).every((record) => record === undefined)).toBe(
      true,
    );
  });

  it('claims an idempotency key once across the cluster', async () => {
    const first = newRequestId();
    const second = newRequestId();
    const exists = async () => true;
    expect(await runtime.store.claimIdempotencyKey('client-key', first, exists)).toBe(first);
    expect(await runtime.store.claimIdempotencyKey('client-key', second, exists)).toBe(first);
    await runtime.store.releaseIdempotencyKey('client-key', first);
    expect(await runtime.store.claimIdempotencyKey('client-key', second, exists)).toBe(second);
  });

  it('shares breaker changes and grants one probe claim between processes', async () => {
    const make = () => {
      const redis = createRedis(cluster.url, 'worker');
      open.push(redis);
      return createRedisBreakerSync({
        redis,
        subscriber: createRedis(cluster.url, 'subscriber'),
        channel: runtime.keys.breakerChannel,
        probeKey: (endpoint) => runtime.keys.breakerProbe(endpoint),
      });
    };
    const [first, second] = [make(), make()];
    try {
      let subscribed: Promise<void> | undefined;
      const heard = new Promise<BreakerMessage>((resolve) => (subscribed = second.subscribe(resolve)));
      await subscribed;
      const message: BreakerMessage = {
        kind: 'open',
        endpoint: 'alpha',
        origin: first.origin,
        halfOpenAt: Date.now() + 1_000,
      };
      first.publish(message);
      expect(await heard).toEqual(message);

      expect(await first.claimProbe('alpha', 5_000)).toEqual({ claimed: true });
      expect(await second.claimProbe('alpha', 5_000)).toMatchObject({ claimed: false });
      await first.releaseProbe('alpha');
      expect(await second.claimProbe('alpha', 5_000)).toEqual({ claimed: true });
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
