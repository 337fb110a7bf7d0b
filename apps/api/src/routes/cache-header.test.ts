import { loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'cache-header-test', level: 'silent' });

describe('the response cache at the HTTP edge', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;
  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('cache-header');
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  const submit = async (headers: Record<string, string>, extra: Record<string, unknown> = {}) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers,
      payload: { messages: [{ role: 'user', content: 'hello' }], ...extra },
    });
    expect(response.statusCode).toBe(202);
    return response.json<{ id: string; request: { cache?: boolean } }>();
  };

  it('x-switchyard-cache: bypass opts a request out, like "cache": false in the body', async () => {
    expect((await submit({ 'x-switchyard-cache': 'bypass' })).request.cache).toBe(false);
    expect((await submit({}, { cache: false })).request.cache).toBe(false);
    expect((await submit({})).request.cache).toBeUndefined();
  });

  it('a completed request says hit or miss in x-switchyard-cache and cache_hit', async () => {
    const final = {
      answer: 'hi',
      tier: 'simple',
      deployment: { provider: 'cache', model: 'sim/small' },
      hop: 0,
      qualityScore: 1,
      simulated: true,
      finishReason: 'stop',
    };
    const hit = await submit({});
    await runtime.store.complete(hit.id, final, { cacheHit: true });
    const miss = await submit({});
    await runtime.store.complete(miss.id, final);
    const readHit = await app.inject({ method: 'GET', url: `/v1/requests/${hit.id}` });
    expect(readHit.headers['x-switchyard-cache']).toBe('hit');
    expect(readHit.json().cache_hit).toBe(true);
    const readMiss = await app.inject({ method: 'GET', url: `/v1/requests/${miss.id}` });
    expect(readMiss.headers['x-switchyard-cache']).toBe('miss');
    expect(readMiss.json().cache_hit).toBe(false);
  });
});
