import { hashApiKey, loadConfig } from '@switchyard/core';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

const startupMs = 90_000;
const floodKey = 'sk-flood-0123456789abcdef';
const calmKey = 'sk-calm-0123456789abcdef';

describe('keys and rate limits through the official OpenAI client, across processes', () => {
  const roles: RoleProcess[] = [];
  let url = '';
  const client = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 });
  const ask = (apiKey: string, content: string) =>
    client(apiKey).chat.completions.create({ model: 'auto', messages: [{ role: 'user', content }] });

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('openai-keys');
    config.simulation = { latencyMs: { min: 1, max: 5 }, weakAnswerRate: {}, failureRate: 0 };
    config.auth.keys = [
      { id: 'flood', hash: hashApiKey(floodKey), role: 'client', requestsPerMinute: 5 },
      { id: 'calm', hash: hashApiKey(calmKey), role: 'client' },
    ];
    const env = {
      REDIS_URL: await redisUrlForTests(),
      SWITCHYARD_SIMULATE: '1',
      LOG_LEVEL: 'warn',
      SWITCHYARD_HOST: '127.0.0.1',
      SWITCHYARD_CONFIG: writeConfigFile(config, 'openai-keys'),
    };
    const api = startRole('api', ['api', '--port', '0'], env);
    const executor = startRole(
      'executor',
      ['executor', '--tier', 'simple', '--tier', 'medium', '--tier', 'complex'],
      env,
    );
    roles.push(api, executor);
    url = (await api.waitForLine(/listening on (http:\/\/\S+)/, startupMs))[1] ?? '';
    await executor.waitForLine(/running/, startupMs);
  }, 2 * startupMs);

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
  });

  it('answers 401 in the OpenAI error shape to a key it does not know, and to none', async () => {
    const unknown = await ask('sk-nobody-knows-this', 'What is 2 + 2?').catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unknown as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    const models = await client('sk-nobody-knows-this')
      .models.list()
      .catch((error: unknown) => error);
    expect(models).toBeInstanceOf(OpenAI.AuthenticationError);
    const bare = await fetch(`${url}/v1/models`);
    expect(bare.status).toBe(401);
  });

  it('answers 429 with Retry-After to a key past its limit while another key is served', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        ask(floodKey, `Name the number after ${index}.`).then(
          () => 'ok',
          (error: unknown) => error,
        ),
      ),
    );
    const limited = outcomes.filter((outcome) => outcome instanceof OpenAI.RateLimitError);
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(5);
    expect(limited).toHaveLength(7);
    const first = limited[0] as InstanceType<typeof OpenAI.RateLimitError>;
    expect(first.code).toBe('rate_limit_exceeded');
    expect(Number(first.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(first.headers?.get('x-ratelimit-remaining-requests')).toBe('0');

    // While the flooding key is refused, the calm one is served.
    const [again, served] = await Promise.all([
      ask(floodKey, 'One more?').catch((error: unknown) => error),
      ask(calmKey, 'What is the capital of Peru?'),
    ]);
    expect(again).toBeInstanceOf(OpenAI.RateLimitError);
    expect(served.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect((await client(calmKey).models.list()).data.length).toBeGreaterThan(0);
  });
});
