import { loadConfig } from '@switchyard/core';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

interface ErrorBody {
  error: { message: string; type: string; code: string; param: string | null; details?: unknown[] };
}

const user = (content: string) => ({ role: 'user', content });
const repeated = (count: number, item: string) => `[${Array.from({ length: count }, () => item).join(',')}]`;
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Hostile bodies, each with the answer it must get. */
const poisons: { name: string; url: string; body: string; status: number; code: string; param?: string }[] = [
  {
    name: '10,000 items x 50 bad messages',
    url: '/v1/batches',
    body: repeated(
      10_000,
      JSON.stringify({ messages: Array.from({ length: 50 }, () => ({ role: 'robot', content: 1 })) }),
    ),
    status: 400,
    code: 'invalid_body',
    param: '[0].messages[0].role',
  },
  {
    name: 'a batch item with a 10 MB prompt',
    url: '/v1/batches',
    body: JSON.stringify([{ messages: [user('x'.repeat(10 * 1_048_576))] }]),
    status: 413,
    code: 'request_too_large',
    param: '[0]',
  },
  {
    name: 'a batch item with 100,000 messages',
    url: '/v1/batches',
    body: JSON.stringify({ requests: [{ messages: Array.from({ length: 100_000 }, () => user('hi')) }] }),
    status: 413,
    code: 'request_too_large',
    param: 'requests[0]',
  },
  {
    name: 'a batch item with 2,049 short messages',
    url: '/v1/batches',
    body: JSON.stringify([{ messages: Array.from({ length: 2_049 }, () => user('hi')) }]),
    status: 413,
    code: 'request_too_large',
    param: '[0].messages',
  },
  {
    name: 'only a system message',
    url: '/v1/requests',
    body: JSON.stringify({ messages: [{ role: 'system', content: 'be brief' }] }),
    status: 400,
    code: 'invalid_body',
    param: 'messages',
  },
  {
    name: 'a batch item whose user message is empty',
    url: '/v1/batches',
    body: JSON.stringify([{ messages: [user('fine')] }, { messages: [{ role: 'assistant', content: 'x' }, user('')] }]),
    status: 400,
    code: 'invalid_body',
    param: '[1].messages[1].content',
  },
  {
    name: 'a batch cut short',
    url: '/v1/batches',
    body: '[{"messages":[{"role":"user","con',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'metadata nested 100,000 deep in a batch item',
    url: '/v1/batches',
    body: `[{"messages":[{"role":"user","content":"x"}],"metadata":${deep(100_000)}}]`,
    status: 400,
    code: 'invalid_body',
    param: '[0].metadata',
  },
  {
    name: 'a __proto__ key',
    url: '/v1/requests',
    body: '{"messages":[{"role":"user","content":"x"}],"__proto__":{"admin":true}}',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'a __proto__ key in a batch item',
    url: '/v1/batches',
    body: '[{"messages":[{"role":"user","content":"x"}],"__proto__":{"admin":true}}]',
    status: 400,
    code: 'invalid_body',
  },
];

/**
 * Fault: poison input on the API (its own process, with a classifier and executors running).
 * Asserted: each hostile body is refused with a reason in the OpenAI error shape (never Fastify's),
 * with a small answer; `/healthz` answers between them; a batch and single requests sent beside
 * them all complete.
 */
describe('poison input on the API', () => {
  const roles: RoleProcess[] = [];
  let url = '';

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('fault-poison');
    config.queue.retentionSeconds = 3_600;
    config.simulation = { latencyMs: { min: 0, max: 5 }, weakAnswerRate: {}, failureRate: 0 };
    const env = {
      REDIS_URL: await redisUrlForTests(),
      SWITCHYARD_CONFIG: writeConfigFile(config, 'fault-poison'),
      SWITCHYARD_SIMULATE: '1',
      LOG_LEVEL: 'warn',
    };
    const api = startRole('api', ['api', '--port', '0'], env);
    roles.push(
      api,
      startRole('classifier', ['classifier'], env),
      ...['simple', 'medium', 'complex'].map((tier) =>
        startRole(`executor-${tier}`, ['executor', '--tier', tier], env),
      ),
    );
    url = (await api.waitForLine(/listening on (http:\/\/\S+)/, 90_000))[1] ?? '';
  }, 120_000);

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('refuses each with a reason and leaves the requests beside them unaffected', async () => {
    const batch = await post(
      '/v1/batches',
      JSON.stringify(
        Array.from({ length: 50 }, (_, index) => ({ custom_id: `ok-${index}`, messages: [user(`hi ${index}`)] })),
      ),
    );
    expect(batch.status).toBe(202);
    const { id: batchId } = (await batch.json()) as { id: string };
    const single = await post('/v1/requests', JSON.stringify({ messages: [user('What is 2+2?')] }), {
      'idempotency-key': 'poison-neighbour',
    });
    expect(single.status).toBe(202);
    const { id: singleId } = (await single.json()) as { id: string };

    for (const poison of poisons) {
      const response = await post(poison.url, poison.body);
      const text = await response.text();
      expect(response.status, `${poison.name}: ${text.slice(0, 300)}`).toBe(poison.status);
      expect(text.length, poison.name).toBeLessThan(20_000);
      const body = JSON.parse(text) as ErrorBody & { statusCode?: unknown };
      expect(body.statusCode, `${poison.name}: not Fastify's error shape`).toBeUndefined();
      expect(body.error.code, poison.name).toBe(poison.code);
      expect(body.error.message.length, poison.name).toBeGreaterThan(0);
      if (poison.param !== undefined) expect(body.error.param, poison.name).toBe(poison.param);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    }
    const reused = await post('/v1/requests', JSON.stringify({ messages: [user('What is 3+3?')] }), {
      'idempotency-key': 'poison-neighbour',
    });
    expect(reused.status).toBe(409);
    expect(((await reused.json()) as ErrorBody).error.code).toBe('idempotency_key_reused');

    const done = await (
      await fetch(`${url}/v1/batches/${batchId}/events`, { signal: AbortSignal.timeout(60_000) })
    ).text();
    expect(done).toContain('event: done');
    const results = (await (await fetch(`${url}/v1/batches/${batchId}/results`)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { status: string });
    expect(results).toHaveLength(50);
    expect(results.filter((line) => line.status !== 'completed')).toEqual([]);
    const answered = (await (await fetch(`${url}/v1/requests/${singleId}?wait=30`)).json()) as { status: string };
    expect(answered.status).toBe('completed');
  }, 120_000);
});
