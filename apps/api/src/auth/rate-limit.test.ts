import { hashApiKey, loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { estimateTokens, formatResetDuration } from './rate-limit.ts';

const logger = createLogger({ name: 'rate-limit-test', level: 'silent' });
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

function limitedConfig(prefix: string): SwitchyardConfig {
  const config = loadConfig();
  config.queue.prefix = prefix;
  config.queue.retentionSeconds = 600;
  config.auth.keys = [
    { id: 'flood', hash: hashApiKey('sy-flood'), role: 'client', requestsPerMinute: 3 },
    { id: 'calm', hash: hashApiKey('sy-calm'), role: 'client', requestsPerMinute: 3 },
    { id: 'wordy', hash: hashApiKey('sy-wordy'), role: 'client', tokensPerMinute: 100 },
    { id: 'free', hash: hashApiKey('sy-free'), role: 'client' },
  ];
  return config;
}

describe('rate limits per key, shared by API instances', () => {
  const instances: { app: FastifyInstance; runtime: QueueRuntime }[] = [];

  beforeAll(async () => {
    const config = limitedConfig(uniquePrefix('rate'));
    const redisUrl = await redisUrlForTests();
    for (let index = 0; index < 2; index += 1) {
      const runtime = createQueueRuntime(config, redisUrl, 'producer');
      instances.push({ app: await buildApp({ config, runtime, logger }), runtime });
      await runtime.queues.classify.waitUntilReady();
    }
  });

  afterAll(async () => {
    for (const { app, runtime } of instances) {
      await app.close();
      await runtime.close();
    }
  });

  const call = (index: number, secret: string) =>
    instances[index % 2]?.app.inject({ method: 'GET', url: '/v1/requests/req_none', headers: bearer(secret) });

  it('answers 429 with Retry-After once a key used its requests, on any instance; another key is served', async () => {
    const answers = [];
    for (let index = 0; index < 3; index += 1) answers.push(await call(index, 'sy-flood'));
    expect(answers.map((answer) => answer?.statusCode)).toEqual([404, 404, 404]);
    expect(answers.map((answer) => answer?.headers['x-ratelimit-remaining-requests'])).toEqual(['2', '1', '0']);
    expect(answers[0]?.headers['x-ratelimit-limit-requests']).toBe('3');
    expect(answers[2]?.headers['x-ratelimit-reset-requests']).toMatch(/^(\d+m)?\d+s$/);

    const refused = await call(3, 'sy-flood');
    expect(refused?.statusCode).toBe(429);
    expect(refused?.json()).toMatchObject({ error: { code: 'rate_limit_exceeded', type: 'rate_limit_error' } });
    const retryAfter = Number(refused?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(refused?.headers['x-ratelimit-remaining-requests']).toBe('0');

    const calm = await call(4, 'sy-calm');
    expect(calm?.statusCode).toBe(404);
    expect(calm?.headers['x-ratelimit-remaining-requests']).toBe('2');
    const free = await call(5, 'sy-free');
    expect(free?.statusCode).toBe(404);
    expect(free?.headers['x-ratelimit-limit-requests']).toBeUndefined();
  });

  it('refuses a chat call whose estimated tokens exceed what is left, and writes nothing for it', async () => {
    const app = instances[0]?.app;
    const payload = { messages: [{ role: 'user', content: 'x'.repeat(200) }], max_tokens: 30 };
    const first = await app?.inject({ method: 'POST', url: '/v1/requests', payload, headers: bearer('sy-wordy') });
    expect(first?.statusCode).toBe(202);
    expect(first?.headers['x-ratelimit-remaining-tokens']).toBe('20');
    const second = await app?.inject({ method: 'POST', url: '/v1/requests', payload, headers: bearer('sy-wordy') });
    expect(second?.statusCode).toBe(429);
    expect(second?.json<{ error: { message: string } }>().error.message).toMatch(/100 tokens per minute .* 80 tokens/);
    const queued = await instances[0]?.runtime.queues.classify.getJobCounts('waiting', 'prioritized', 'delayed');
    expect(Object.values(queued ?? {}).reduce((sum, count) => sum + count, 0)).toBe(1);
  });
});

describe('estimateTokens', () => {
  it('counts prompt characters / 4 plus the allowed output, in string and part contents', () => {
    expect(estimateTokens({ messages: [{ role: 'user', content: 'abcdefgh' }], max_tokens: 10 })).toBe(12);
    expect(
      estimateTokens({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'abcd' }, { type: 'image_url' }] }],
        max_completion_tokens: 5,
      }),
    ).toBe(6);
    expect(estimateTokens(null)).toBe(0);
  });
});

describe('formatResetDuration', () => {
  it('writes OpenAI-style durations', () => {
    expect(formatResetDuration(20)).toBe('20ms');
    expect(formatResetDuration(1_000)).toBe('1s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
  });
});
