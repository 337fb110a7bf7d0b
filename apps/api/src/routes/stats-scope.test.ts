import { hashApiKey, loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'stats-scope-test', level: 'silent' });
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe('GET /v1/stats with API keys', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;
  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('stats-scope');
    config.auth.keys = [
      { id: 'team-a', hash: hashApiKey('sy-a'), role: 'client' },
      { id: 'team-b', hash: hashApiKey('sy-b'), role: 'client' },
      { id: 'ops', hash: hashApiKey('sy-ops'), role: 'admin' },
    ];
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
    for (const [secret, count] of [
      ['sy-a', 2],
      ['sy-b', 1],
    ] as const) {
      for (let index = 0; index < count; index += 1) {
        const response = await app.inject({
          method: 'POST',
          url: '/v1/requests',
          headers: bearer(secret),
          payload: { messages: [{ role: 'user', content: `q${index}` }] },
        });
        await runtime.store.fail(response.json().id, { code: 'job_failed', message: 'stopped for the test' });
      }
    }
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('a client key sees its own totals only; an admin key sees every key', async () => {
    const own = (await app.inject({ method: 'GET', url: '/v1/stats?group_by=key', headers: bearer('sy-a') })).json();
    expect(Object.keys(own.groups)).toEqual(['team-a']);
    expect(own.total.requests).toBe(2);
    const all = (await app.inject({ method: 'GET', url: '/v1/stats?group_by=key', headers: bearer('sy-ops') })).json();
    expect(all.groups['team-a'].requests).toBe(2);
    expect(all.groups['team-b'].requests).toBe(1);
    expect(all.total.failed).toBe(3);
  });
});
