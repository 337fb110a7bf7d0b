import { hashApiKey, loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { requireAdmin } from './principal.ts';

const logger = createLogger({ name: 'auth-test', level: 'silent' });
const secrets = { teamA: 'sy-team-a-secret', teamB: 'sy-team-b-secret', admin: 'sy-admin-secret' };
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const chat = { messages: [{ role: 'user', content: 'What is 2+2?' }] };

function keyedConfig(prefix: string): SwitchyardConfig {
  const config = loadConfig();
  config.queue.prefix = prefix;
  config.queue.retentionSeconds = 600;
  config.auth.keys = [
    { id: 'team-a', hash: hashApiKey(secrets.teamA), role: 'client' },
    { id: 'team-b', hash: hashApiKey(secrets.teamB), role: 'client' },
    { id: 'ops', hash: hashApiKey(secrets.admin), role: 'admin' },
  ];
  return config;
}

describe('API keys', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;

  beforeAll(async () => {
    const config = keyedConfig(uniquePrefix('auth'));
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    app.get('/v1/admin-probe', { preHandler: requireAdmin }, async (request) => ({ keyId: request.principal.keyId }));
    await runtime.queues.classify.waitUntilReady();
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('answers 401 in the OpenAI error shape on every /v1 route without a valid key', async () => {
    const calls = [
      { method: 'POST', url: '/v1/requests', payload: chat },
      { method: 'POST', url: '/v1/batches', payload: [chat] },
      { method: 'GET', url: '/v1/requests/req_x' },
      { method: 'GET', url: '/v1/batches/batch_x/results' },
      { method: 'POST', url: '/v1/route', payload: { prompt: 'hi' } },
      { method: 'GET', url: '/v1/no-such-route' },
    ] as const;
    for (const call of calls) {
      for (const headers of [{}, bearer('sy-unknown'), { authorization: 'Basic abc' }]) {
        const response = await app.inject({ ...call, headers });
        expect(response.statusCode, `${call.method} ${call.url}`).toBe(401);
        const { error } = response.json<{ error: { code: string; type: string; message: string } }>();
        expect(error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' });
        expect(error.message).not.toContain('sy-unknown');
      }
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('records the key id, never the secret, and lets a key read only its own requests', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      payload: chat,
      headers: bearer(secrets.teamA),
    });
    expect(created.statusCode).toBe(202);
    const { id } = created.json<{ id: string }>();
    expect((await runtime.store.get(id))?.keyId).toBe('team-a');
    const stored = await runtime.redis.hgetall(runtime.keys.request(id));
    expect(JSON.stringify(stored)).not.toContain(secrets.teamA);

    const own = await app.inject({ method: 'GET', url: `/v1/requests/${id}`, headers: bearer(secrets.teamA) });
    expect(own.statusCode).toBe(200);
    const other = await app.inject({ method: 'GET', url: `/v1/requests/${id}`, headers: bearer(secrets.teamB) });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ error: { code: 'not_found' } });
    const admin = await app.inject({ method: 'GET', url: `/v1/requests/${id}`, headers: bearer(secrets.admin) });
    expect(admin.statusCode).toBe(200);
  });

  it('keeps batches to their key, and idempotency keys apart between keys', async () => {
    const headers = (secret: string) => ({ ...bearer(secret), 'idempotency-key': 'same-key' });
    const first = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      payload: [chat],
      headers: headers(secrets.teamA),
    });
    const second = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      payload: [chat],
      headers: headers(secrets.teamB),
    });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    const batchA = first.json<{ id: string }>().id;
    expect(second.json<{ id: string }>().id).not.toBe(batchA);
    for (const path of ['', '/results', '/events']) {
      const foreign = await app.inject({
        method: 'GET',
        url: `/v1/batches/${batchA}${path}`,
        headers: bearer(secrets.teamB),
      });
      expect(foreign.statusCode, path).toBe(404);
    }
    expect(
      (await app.inject({ method: 'GET', url: `/v1/batches/${batchA}`, headers: bearer(secrets.teamA) })).statusCode,
    ).toBe(200);
    expect(
      (await app.inject({ method: 'GET', url: `/v1/batches/${batchA}`, headers: bearer(secrets.admin) })).statusCode,
    ).toBe(200);
  });

  it('requireAdmin answers 403 for a client key and lets the admin key through', async () => {
    const client = await app.inject({ method: 'GET', url: '/v1/admin-probe', headers: bearer(secrets.teamA) });
    expect(client.statusCode).toBe(403);
    expect(client.json()).toMatchObject({ error: { code: 'admin_required', type: 'permission_error' } });
    const admin = await app.inject({ method: 'GET', url: '/v1/admin-probe', headers: bearer(secrets.admin) });
    expect(admin.json()).toEqual({ keyId: 'ops' });
    expect((await app.inject({ method: 'GET', url: '/v1/admin-probe' })).statusCode).toBe(401);
  });
});

describe('open mode', () => {
  it('treats every caller as the local admin', async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('open');
    const runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    const app = await buildApp({ config, runtime, logger });
    app.get('/v1/admin-probe', { preHandler: requireAdmin }, async (request) => request.principal);
    await runtime.queues.classify.waitUntilReady();
    try {
      expect((await app.inject({ method: 'GET', url: '/v1/admin-probe' })).json()).toEqual({
        keyId: 'local',
        role: 'admin',
      });
      const created = await app.inject({ method: 'POST', url: '/v1/requests', payload: chat });
      expect((await runtime.store.get(created.json<{ id: string }>().id))?.keyId).toBe('local');
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});

describe('logs', () => {
  it('never hold an API key or a prompt, even at trace level', async () => {
    let written = '';
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.toString();
        callback();
      },
    });
    const traceLogger = createLogger({ name: 'auth-log-test', level: 'trace', destination });
    const config = keyedConfig(uniquePrefix('auth-log'));
    const runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    const app = await buildApp({ config, runtime, logger: traceLogger });
    await runtime.queues.classify.waitUntilReady();
    const prompt = 'the-prompt-nobody-may-log-7f3a';
    try {
      const payload = { messages: [{ role: 'user', content: prompt }] };
      await app.inject({ method: 'POST', url: '/v1/requests', payload, headers: bearer(secrets.teamA) });
      await app.inject({ method: 'POST', url: '/v1/requests', payload, headers: bearer('sy-not-a-key-9c1d') });
      await app.inject({
        method: 'POST',
        url: '/v1/requests',
        body: `{"messages": [{"content": "${prompt}"`,
        headers: { ...bearer(secrets.teamA), 'content-type': 'application/json' },
      });
      traceLogger.info({ request: payload, headers: bearer(secrets.teamB) }, 'a careless log line');
      traceLogger.info({ prompt, apiKey: secrets.teamB }, 'another');
    } finally {
      await app.close();
      await runtime.close();
    }
    expect(written).toContain('a careless log line');
    for (const secret of [prompt, secrets.teamA, secrets.teamB, 'sy-not-a-key-9c1d'])
      expect(written).not.toContain(secret);
  });
});
