import { loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, startRedisServer, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';

const logger = createLogger({ name: 'api-test', level: 'silent' });

function testConfig(prefix: string): SwitchyardConfig {
  const config = loadConfig();
  config.queue.prefix = prefix;
  config.queue.retentionSeconds = 600;
  config.api.bodyLimitBytes = 4_096;
  config.api.maxBatchSize = 50;
  return config;
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('API against a real Redis', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;

  beforeAll(async () => {
    const config = testConfig(uniquePrefix('api'));
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('accepts a request with 202, stores it and enqueues its classification', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      payload: chat('What is 2+2?', { max_tokens: 50, metadata: { team: 'a' } }),
    });
    expect(response.statusCode).toBe(202);
    const { id } = response.json<{ id: string }>();
    expect(response.headers.location).toBe(`/v1/requests/${id}`);
    const read = await app.inject({ method: 'GET', url: `/v1/requests/${id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      id,
      status: 'queued',
      request: { max_tokens: 50, metadata: { team: 'a' } },
      attempts: [],
      answer: null,
    });
    const job = await runtime.queues.classify.getJob(`${id}-c`);
    expect(job?.data).toEqual({ requestId: id });
  });

  it('names every bad field in an OpenAI-style 400', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      payload: { messages: [{ role: 'robot', content: 'hi' }], temperature: 7 },
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json<{
      error: { code: string; type: string; param: string; details: { path: string }[] };
    }>();
    expect(error.code).toBe('invalid_body');
    expect(error.type).toBe('invalid_request_error');
    expect(error.details.map((detail) => detail.path).sort()).toEqual(['messages[0].role', 'temperature']);
  });

  it('rejects an unknown tier, bad JSON and an oversized body', async () => {
    const unknownTier = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      payload: chat('hi', { force_tier: 'gold' }),
    });
    expect(unknownTier.statusCode).toBe(400);
    expect(unknownTier.json()).toMatchObject({ error: { code: 'unknown_tier', param: 'force_tier' } });

    const badJson = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      payload: '{"messages": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ error: { code: 'invalid_json' } });

    const proto = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      payload: '{"messages": [{"role": "user", "content": "hi"}], "__proto__": {"x": 1}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.statusCode).toBe(400);
    expect(proto.json()).toMatchObject({
      error: { code: 'invalid_body', message: expect.stringContaining('"__proto__"') },
    });

    const tooLarge = await app.inject({ method: 'POST', url: '/v1/requests', payload: chat('x'.repeat(10_000)) });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('returns the same request for a repeated Idempotency-Key', async () => {
    const headers = { 'idempotency-key': `key-${Date.now()}` };
    const first = await app.inject({ method: 'POST', url: '/v1/requests', payload: chat('once'), headers });
    const second = await app.inject({ method: 'POST', url: '/v1/requests', payload: chat('once'), headers });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(200);
    const id = first.json<{ id: string }>().id;
    expect(second.json<{ id: string }>().id).toBe(id);
    expect(second.json()).toMatchObject({ id, status: 'queued' });
    // One classification job, not two: the second submission wrote nothing.
    const jobs = await runtime.queues.classify.getJobs(['waiting']);
    expect(jobs.filter((job) => job.data.requestId === id)).toHaveLength(1);
  });

  it('runs concurrent duplicates of one Idempotency-Key once, for requests and for batches', async () => {
    const key = `race-${Date.now()}`;
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        app.inject({ method: 'POST', url: '/v1/requests', payload: chat('race'), headers: { 'idempotency-key': key } }),
      ),
    );
    const ids = new Set(responses.map((response) => response.json<{ id: string }>().id));
    expect(ids.size).toBe(1);
    expect(responses.filter((response) => response.statusCode === 202)).toHaveLength(1);
    const [id] = [...ids];
    expect(await runtime.queues.classify.getJob(`${id}-c`)).toBeDefined();

    const batchHeaders = { 'idempotency-key': `batch-${key}` };
    const batches = await Promise.all(
      Array.from({ length: 4 }, () =>
        app.inject({ method: 'POST', url: '/v1/batches', payload: [chat('a'), chat('b')], headers: batchHeaders }),
      ),
    );
    expect(new Set(batches.map((response) => response.json<{ id: string }>().id)).size).toBe(1);
    expect(batches.map((response) => response.statusCode).sort()).toEqual([200, 200, 200, 202]);
  });

  it('takes a batch, counts it by status and streams its results as JSONL', async () => {
    const items = [
      chat('hello', { custom_id: 'a' }),
      chat('Prove that sqrt(2) is irrational.', { custom_id: 'b' }),
      chat('Write a haiku'),
    ];
    const created = await app.inject({ method: 'POST', url: '/v1/batches', payload: items });
    expect(created.statusCode).toBe(202);
    const { id, total } = created.json<{ id: string; total: number }>();
    expect(total).toBe(3);
    const status = await app.inject({ method: 'GET', url: `/v1/batches/${id}` });
    expect(status.json()).toMatchObject({ id, total: 3, status: 'in_progress', counts: { queued: 3, completed: 0 } });
    const results = await app.inject({ method: 'GET', url: `/v1/batches/${id}/results` });
    expect(results.headers['content-type']).toContain('application/x-ndjson');
    const lines = results.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { custom_id: string | null; status: string });
    expect(lines.map((line) => line.custom_id)).toEqual(['a', 'b', null]);
    expect(lines.every((line) => line.status === 'queued')).toBe(true);
  });

  it('rejects bad batches whole: a bad item (by index), duplicate custom ids, too many items', async () => {
    const badItem = await app.inject({ method: 'POST', url: '/v1/batches', payload: [chat('ok'), { messages: [] }] });
    expect(badItem.statusCode).toBe(400);
    expect(badItem.json()).toMatchObject({ error: { code: 'invalid_body', param: '[1].messages' } });

    const duplicate = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      payload: [chat('a', { custom_id: 'x' }), chat('b', { custom_id: 'x' })],
    });
    expect(duplicate.json()).toMatchObject({ error: { code: 'duplicate_custom_id', param: '[1].custom_id' } });

    const tooMany = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      payload: Array.from({ length: 51 }, () => chat('hi')),
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ error: { code: 'batch_too_large' } });
  });

  it('answers with the OpenAI error shape for framework-level errors and non-JSON bodies', async () => {
    const badUrl = await app.inject({ method: 'GET', url: '/v1/requests/%E0%A4%A' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toMatchObject({ error: { code: 'bad_request', type: 'invalid_request_error' } });
    const text = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      payload: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
    const wrapped = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      payload: { requests: [chat('ok'), { messages: 'x' }] },
    });
    expect(wrapped.json()).toMatchObject({ error: { code: 'invalid_body', param: 'requests[1].messages' } });
  });

  it('answers 404 for unknown requests, batches and routes, and reports health', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/requests/req_unknown' })).json()).toMatchObject({
      error: { code: 'not_found' },
    });
    expect((await app.inject({ method: 'GET', url: '/v1/batches/batch_unknown' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready', redis: 'ok' });
  });
});

describe('API when Redis goes away', () => {
  it('answers 503 with a clear message, writes nothing, and recovers when Redis is back', async () => {
    const server = await startRedisServer();
    const config = testConfig(uniquePrefix('api-down'));
    const runtime = createQueueRuntime(config, server.url, 'producer');
    const app = await buildApp({ config, runtime, logger });
    try {
      await runtime.queues.classify.waitUntilReady();
      await server.stop();
      await waitFor(() => runtime.redis.status !== 'ready');

      const response = await app.inject({ method: 'POST', url: '/v1/requests', payload: chat('hello') });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ error: { code: 'redis_unavailable' } });
      expect(response.json<{ error: { message: string } }>().error.message).toContain('nothing was written');
      expect((await app.inject({ method: 'POST', url: '/v1/batches', payload: [chat('a')] })).statusCode).toBe(503);
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

      await server.restart();
      await waitFor(() => runtime.redis.status === 'ready');
      // Nothing from the rejected submissions reached Redis.
      expect(await runtime.redis.keys(`${config.queue.prefix}:*`)).toEqual([]);
      expect(await runtime.queues.classify.count()).toBe(0);
      expect((await app.inject({ method: 'POST', url: '/v1/requests', payload: chat('hello') })).statusCode).toBe(202);
    } finally {
      await app.close();
      await runtime.close();
      await server.stop();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
