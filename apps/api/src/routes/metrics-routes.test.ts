import { loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

describe('GET /metrics', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('metrics');
    config.queue.retentionSeconds = 600;
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger: createLogger({ name: 'metrics-test', level: 'silent' }) });
    await runtime.queues.classify.waitUntilReady();
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('serves Prometheus text with the depth of every queue read from Redis', async () => {
    const submitted = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      payload: { messages: [{ role: 'user', content: 'What is 2+2?' }] },
    });
    expect(submitted.statusCode).toBe(202);
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(/^switchyard_queue_jobs\{queue="classify",state="waiting"\} 1$/m);
    for (const queue of ['tier.simple', 'tier.medium', 'tier.complex'])
      expect(response.body).toContain(`switchyard_queue_oldest_waiting_age_seconds{queue="${queue}"} 0`);
    expect(response.body).toMatch(/^nodejs_eventloop_lag_seconds [0-9.e-]+$/m);
  });
});
