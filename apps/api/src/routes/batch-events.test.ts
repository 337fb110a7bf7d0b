import { loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, startRedisServer, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'events-test', level: 'silent' });
const chat = (content: string) => ({ messages: [{ role: 'user', content }] });
const final = {
  answer: 'a',
  tier: 'simple',
  deployment: { provider: 'p', model: 'm' },
  hop: 0,
  qualityScore: 1,
  simulated: true,
  finishReason: 'stop',
};

function testConfig(): SwitchyardConfig {
  const config = loadConfig();
  config.queue.prefix = uniquePrefix('events');
  config.queue.retentionSeconds = 600;
  return config;
}

async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

describe('batch progress stream', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;
  let url: string;

  beforeAll(async () => {
    const config = testConfig();
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
    url = await listen(app);
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  async function batchOf(count: number): Promise<{ id: string; ids: string[] }> {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      payload: Array.from({ length: count }, (_, index) => chat(`q${index}`)),
    });
    const { id } = created.json<{ id: string }>();
    return { id, ids: await runtime.store.batchMemberIds(id) };
  }

  it('ends with done at once for a batch that is already complete', async () => {
    const { id, ids } = await batchOf(2);
    for (const requestId of ids) await runtime.store.complete(requestId, final);
    const body = await (await fetch(`${url}/v1/batches/${id}/events`, { signal: AbortSignal.timeout(5_000) })).text();
    expect(body).toContain('"status":"completed"');
    expect(body).toContain('event: done');
  });

  it('follows completions to the end', async () => {
    const { id, ids } = await batchOf(3);
    const response = await fetch(`${url}/v1/batches/${id}/events`, { signal: AbortSignal.timeout(10_000) });
    const reader = response.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    expect(first).toContain('"completed":0');
    for (const requestId of ids) await runtime.store.complete(requestId, final);
    let rest = '';
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) break;
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toContain('"completed":3');
    expect(rest).toContain('event: done');
  });

  it('does not hold the server open: close() ends open streams', async () => {
    const config = testConfig();
    const ownRuntime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    const ownApp = await buildApp({ config, runtime: ownRuntime, logger });
    await ownRuntime.queues.classify.waitUntilReady();
    const ownUrl = await listen(ownApp);
    const created = await ownApp.inject({ method: 'POST', url: '/v1/batches', payload: [chat('x')] });
    const response = await fetch(`${ownUrl}/v1/batches/${created.json<{ id: string }>().id}/events`);
    const reader = response.body?.getReader();
    await reader?.read();
    await ownApp.close();
    const next = await reader?.read();
    expect(next?.done).toBe(true);
    await ownRuntime.close();
  });
});

describe('waiting endpoints when Redis is down', () => {
  it('answer 503 instead of hanging', async () => {
    const server = await startRedisServer();
    const config = testConfig();
    const runtime = createQueueRuntime(config, server.url, 'producer');
    const app = await buildApp({ config, runtime, logger });
    try {
      await runtime.queues.classify.waitUntilReady();
      const created = await app.inject({ method: 'POST', url: '/v1/batches', payload: [chat('x')] });
      const { id } = created.json<{ id: string }>();
      const [requestId] = await runtime.store.batchMemberIds(id);
      const closed = new Promise<void>((resolve) => runtime.redis.once('close', () => resolve()));
      await server.stop();
      await closed;
      const waited = await app.inject({ method: 'GET', url: `/v1/requests/${requestId}?wait=5` });
      expect(waited.statusCode).toBe(503);
      const events = await app.inject({ method: 'GET', url: `/v1/batches/${id}/events` });
      expect(events.statusCode).toBe(503);
      expect(events.json()).toMatchObject({ error: { code: 'redis_unavailable' } });
    } finally {
      await app.close();
      await runtime.close();
      await server.stop();
    }
  });
});
