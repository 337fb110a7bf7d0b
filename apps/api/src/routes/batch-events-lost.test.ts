import { loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { startRedisServer, uniquePrefix, type RedisServerProcess } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'events-lost-test', level: 'silent' });

/**
 * Completion events are fire-and-forget pub/sub: one published while the API's subscription is
 * down never arrives. These tests finish records without any event at all (the worst case of a
 * dropped subscription) on a Redis of their own, whose pub/sub clients they may kill.
 */
describe('batch progress stream without completion events', () => {
  let server: RedisServerProcess | undefined;
  let runtime: QueueRuntime | undefined;
  let app: FastifyInstance | undefined;

  afterEach(async () => {
    await app?.close();
    await runtime?.close();
    await server?.stop();
  });

  async function start(progressRecountMs: number) {
    server = await startRedisServer();
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('events-lost');
    config.queue.retentionSeconds = 600;
    config.api.progressRecountMs = progressRecountMs;
    runtime = createQueueRuntime(config, server.url, 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const created = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      payload: [1, 2, 3].map((index) => ({ messages: [{ role: 'user', content: `q${index}` }] })),
    });
    const { id } = created.json<{ id: string }>();
    const ids = await runtime.store.batchMemberIds(id);
    const response = await fetch(`${url}/v1/batches/${id}/events`, { signal: AbortSignal.timeout(25_000) });
    const reader = response.body?.getReader();
    expect(new TextDecoder().decode((await reader?.read())?.value)).toContain('"completed":0');
    const rest = async () => {
      let text = '';
      for (;;) {
        const chunk = await reader?.read();
        if (chunk === undefined || chunk.done) return text;
        text += new TextDecoder().decode(chunk.value);
      }
    };
    // Completed as a worker would, but with the event lost.
    const completeSilently = () =>
      Promise.all(ids.map((requestId) => runtime?.redis.hset(runtime.keys.request(requestId), 'status', 'completed')));
    return { rest, completeSilently, redis: runtime.redis };
  }

  it('recounts periodically and ends with done', async () => {
    const stream = await start(200);
    await stream.completeSilently();
    const text = await stream.rest();
    expect(text).toContain('"completed":3');
    expect(text).toContain('event: done');
  });

  it('recounts when the subscription comes back after its connection was killed', async () => {
    // No periodic recount within the test's time: only the reconnection can bring `done`.
    const stream = await start(600_000);
    await stream.completeSilently();
    await stream.redis.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    const text = await stream.rest();
    expect(text).toContain('"completed":3');
    expect(text).toContain('event: done');
  });
});
