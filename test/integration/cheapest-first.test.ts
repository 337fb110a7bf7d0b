import { buildApp } from '@switchyard/api';
import { loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { startExecutor, type RunningExecutor } from '@switchyard/executor';
import { createLogger } from '@switchyard/observability';
import { createProviderRegistry } from '@switchyard/providers';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ name: 'cheapest-first-test', level: 'silent' });

describe('a cheapest-first route', () => {
  let config: SwitchyardConfig;
  let runtime: QueueRuntime;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const executors: RunningExecutor[] = [];

  beforeAll(async () => {
    config = loadConfig();
    config.queue.prefix = uniquePrefix('cheapest-first');
    // The general route climbs from the bottom; every answer of the simple tier fails the gate.
    config.routes = config.routes.map((route) =>
      route.name === 'general' ? { ...route, cascadeMode: 'cheapest-first' } : route,
    );
    config.simulation = { latencyMs: { min: 1, max: 5 }, weakAnswerRate: { simple: 1 }, failureRate: 0 };
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

  it('starts a prompt the classifier calls complex on the cheapest tier and climbs on the gate', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: { model: 'auto', messages: [{ role: 'user', content: 'Prove that there are infinitely many primes.' }] },
    });
    expect(response.statusCode).toBe(200);
    const id = response.headers['x-switchyard-request-id'] as string;
    const record = await runtime.store.get(id);
    expect(record?.decision).toMatchObject({ tier: 'simple', strategy: 'cheapest-first', route: 'general' });
    expect(record?.attempts.map((attempt) => attempt.tier)).toEqual(['simple', 'medium']);
    expect(response.headers['x-switchyard-tier']).toBe('medium');
    expect(response.headers['x-switchyard-escalations']).toBe('1');
  });

  it('leaves a route in classify mode where its classification put it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: {
        model: 'auto',
        messages: [{ role: 'user', content: 'Fix this TypeScript compile error in my React component.' }],
      },
    });
    expect(response.statusCode).toBe(200);
    const record = await runtime.store.get(response.headers['x-switchyard-request-id'] as string);
    expect(record?.decision?.route).toBe('code');
    expect(record?.decision?.strategy).not.toBe('cheapest-first');
  });
});
