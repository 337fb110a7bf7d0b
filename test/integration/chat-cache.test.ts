import { buildApp } from '@switchyard/api';
import { loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { startExecutor, type RunningExecutor } from '@switchyard/executor';
import { createLogger } from '@switchyard/observability';
import { createProviderRegistry } from '@switchyard/providers';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ name: 'chat-cache-test', level: 'silent' });

describe('the response cache on /v1/chat/completions', () => {
  let config: SwitchyardConfig;
  let runtime: QueueRuntime;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const executors: RunningExecutor[] = [];

  beforeAll(async () => {
    config = loadConfig();
    config.queue.prefix = uniquePrefix('chat-cache');
    config.cache = { ...config.cache, enabled: true, ttlSeconds: 60 };
    config.simulation = { latencyMs: { min: 1, max: 5 }, weakAnswerRate: {}, failureRate: 0 };
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'worker', logger);
    const providers = createProviderRegistry(config, { env: {}, simulateAll: true });
    for (const tier of config.tiers)
      executors.push(startExecutor({ config, tier: tier.name, runtime, providers, logger }));
    await Promise.all(executors.map((executor) => executor.ready));
    app = await buildApp({ config, runtime, logger });
  });

  afterAll(async () => {
    await app.close();
    await Promise.all(executors.map((executor) => executor.close()));
    await runtime.close();
  });

  const complete = (content: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers,
      payload: { model: 'auto', messages: [{ role: 'user', content }], ...extra },
    });

  it('says miss, then hit for the same prompt, with the same answer at no cost', async () => {
    const first = await complete('What is the capital of Chile?');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-switchyard-cache']).toBe('miss');
    const second = await complete('What is the capital of Chile?');
    expect(second.statusCode).toBe(200);
    expect(second.headers['x-switchyard-cache']).toBe('hit');
    expect(second.headers['x-switchyard-cost-usd']).toBe('0');
    expect(second.json().choices[0].message.content).toBe(first.json().choices[0].message.content);
  });

  it('a streamed hit says so in its headers too', async () => {
    await complete('Name a colour of the rainbow.');
    const streamed = await complete('Name a colour of the rainbow.', {}, { stream: true });
    expect(streamed.statusCode).toBe(200);
    expect(streamed.headers['x-switchyard-cache']).toBe('hit');
    expect(streamed.body).toContain('data: [DONE]');
  });

  it('the header x-switchyard-cache: bypass, or "cache": false in the body, opts out', async () => {
    await complete('How many legs has a spider?');
    const byHeader = await complete('How many legs has a spider?', { 'x-switchyard-cache': 'bypass' });
    expect(byHeader.headers['x-switchyard-cache']).toBe('miss');
    expect(Number(byHeader.headers['x-switchyard-cost-usd'])).toBeGreaterThan(0);
    const byBody = await complete('How many legs has a spider?', {}, { cache: false });
    expect(byBody.headers['x-switchyard-cache']).toBe('miss');
  });
});
