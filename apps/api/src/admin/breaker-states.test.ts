import { loadConfig } from '@switchyard/core';
import { createQueueRuntime, waitForRedis, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentBreakerStates } from './breaker-states.ts';

describe('breaker states across processes', () => {
  let runtime: QueueRuntime;
  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('breaker-states');
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    await waitForRedis(runtime.redis, 10_000);
  });
  afterAll(() => runtime.close());

  it('shows what another process stored in Redis, and the worse state where this one knows the endpoint', async () => {
    const endpoints = ['anthropic', 'openai', 'local', 'spare'];
    // What an executor elsewhere leaves: an open breaker until it half-opens, a probe claim while probing.
    await runtime.redis.set(runtime.keys.breakerState('openai'), '{"kind":"open"}', 'PX', 60_000);
    await runtime.redis.set(runtime.keys.breakerProbe('anthropic'), 'someone', 'PX', 60_000);
    const states = await deploymentBreakerStates(runtime, endpoints, { openai: 'closed', local: 'open' });
    expect(states).toEqual({ anthropic: 'half-open', openai: 'open', local: 'open', spare: 'closed' });

    await runtime.redis.del(runtime.keys.breakerState('openai'), runtime.keys.breakerProbe('anthropic'));
    expect(await deploymentBreakerStates(runtime, endpoints, {})).toEqual({
      anthropic: 'closed',
      openai: 'closed',
      local: 'closed',
      spare: 'closed',
    });
  });
});
