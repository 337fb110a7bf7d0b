import { parseConfig, type SwitchyardConfig } from '@switchyard/core';
import { createRedis, KeySpace, type RedisClient } from '@switchyard/queue';
import {
  configWithTiers,
  redisUrlForTests,
  startFakeOpenAI,
  uniquePrefix,
  type FakeProviderServer,
} from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultStack, type FaultStack, type ResultLine } from './fault-stack.ts';

/** Opens after 3 calls with half of them failed; a probe may test the provider 5 s after it opened. */
const breaker = { volumeThreshold: 3, errorThresholdPercentage: 50, resetTimeoutMs: 5_000, rollingWindowMs: 10_000 };
/** A call running longer is abandoned and counts against the provider. */
const callTimeoutMs = 2_500;
const primaryModel = 'primary/model-a';
const backupModel = 'backup/model-b';
/** Every phase polls with a deadline this generous: on a loaded 2-core machine a round can take seconds. */
const phaseDeadlineMs = 120_000;

/** The breaker messages the executor publishes on the shared channel, in order. */
interface BreakerLog {
  kinds: (endpoint: string) => string[];
  close(): void;
}

async function listenToBreakers(redisUrl: string, channel: string): Promise<BreakerLog> {
  const subscriber = createRedis(redisUrl, 'subscriber', 'switchyard-test-breakers');
  const messages: { kind: string; endpoint: string }[] = [];
  subscriber.on('message', (from: string, text: string) => {
    if (from === channel) messages.push(JSON.parse(text) as { kind: string; endpoint: string });
  });
  await subscriber.subscribe(channel);
  return {
    kinds: (endpoint) => messages.filter((message) => message.endpoint === endpoint).map((message) => message.kind),
    close: () => subscriber.disconnect(),
  };
}

/**
 * One tier served by two OpenAI-wire deployments on two local servers, with fallback from the
 * first to the second; the API, the classifier and the executor each a process of the real CLI.
 * The first provider answers 500s, then hangs past the timeout, then heals.
 */
describe('a provider that fails, then times out, then heals', () => {
  let primary: FakeProviderServer;
  let backup: FakeProviderServer;
  let config: SwitchyardConfig;
  let stack: FaultStack;
  let redis: RedisClient;
  let breakers: BreakerLog;
  let metricsUrl: string;
  let sequence = 0;
  const answered: ResultLine[] = [];

  beforeAll(async () => {
    const redisUrl = await redisUrlForTests();
    [primary, backup] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
    const base = configWithTiers(['general']);
    const provider = (baseURL: string, keyEnv: string) => ({
      type: 'openai' as const,
      apiKeyEnv: keyEnv,
      baseURL,
      timeoutMs: callTimeoutMs,
      breaker,
    });
    config = parseConfig({
      ...base,
      tiers: [
        {
          name: 'general',
          deployments: [
            { provider: 'primary', model: 'model-a', inputPerMTok: 1, outputPerMTok: 2 },
            { provider: 'backup', model: 'model-b', inputPerMTok: 1, outputPerMTok: 2 },
          ],
        },
      ],
      cascade: { ...base.cascade, enabled: false },
      providers: {
        primary: provider(primary.baseURL, 'PRIMARY_API_KEY'),
        backup: provider(backup.baseURL, 'BACKUP_API_KEY'),
      },
      queue: { ...base.queue, prefix: uniquePrefix('fault-outage'), retentionSeconds: 600, backoffMs: 100 },
    });
    const keys = new KeySpace(config.queue.prefix);
    breakers = await listenToBreakers(redisUrl, keys.breakerChannel);
    redis = createRedis(redisUrl, 'producer', 'switchyard-test-outage');
    stack = await startFaultStack(config, {
      redisUrl,
      executors: [['general']],
      executorArgs: ['--metrics-port', '0'],
      env: { SWITCHYARD_SIMULATE: '0', PRIMARY_API_KEY: 'test-key', BACKUP_API_KEY: 'test-key', LOG_LEVEL: 'info' },
    });
    const executor = stack.roles.find((role) => role.name === 'executor-0');
    metricsUrl = (await executor?.waitForLine(/Worker metrics and health on (http:\/\/\S+)/))?.[1] ?? '';
  });

  afterAll(async () => {
    await stack?.close();
    breakers?.close();
    redis?.disconnect();
    await Promise.all([primary?.close(), backup?.close()]);
  });

  /** The primary's breaker as the executor process reports it: 0 closed, 1 half-open, 2 open. */
  async function primaryState(): Promise<number> {
    const text = await (await fetch(`${metricsUrl}/metrics`)).text();
    const value = /^switchyard_breaker_state\{endpoint="primary"\} (\d+)$/m.exec(text)?.[1];
    if (value === undefined) throw new Error(`no breaker state for primary in the executor's metrics:\n${text}`);
    return Number(value);
  }

  const storedOpen = async () => (await redis.exists(new KeySpace(config.queue.prefix).breakerState('primary'))) === 1;

  /** One batch of `count` distinct questions, to the end; every line is kept for the final check. */
  async function round(count: number): Promise<ResultLine[]> {
    const first = sequence;
    sequence += count;
    const batchId = await stack.submitBatch(count, (index) => `question ${first + index} about provider outages`);
    const lines = await stack.results(batchId);
    answered.push(...lines);
    expect(lines.filter((line) => line.status !== 'completed')).toEqual([]);
    return lines;
  }

  /** Rounds until `done` holds after one; the phase fails when it never does within the deadline. */
  async function roundsUntil(count: number, done: () => Promise<boolean> | boolean): Promise<ResultLine[]> {
    const lines: ResultLine[] = [];
    const deadline = Date.now() + phaseDeadlineMs;
    for (;;) {
      lines.push(...(await round(count)));
      if (await done()) return lines;
      if (Date.now() > deadline) throw new Error(`condition not reached after ${lines.length} requests`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const skippedBecause = async (line: ResultLine, pattern: RegExp) => {
    const view = (await (await fetch(`${stack.apiUrl}/v1/requests/${line.id}`)).json()) as {
      attempts: { skipped_deployments: { error: string }[] }[];
    };
    return view.attempts.some((attempt) => attempt.skipped_deployments.some((skip) => pattern.test(skip.error)));
  };

  it('opens the breaker, moves traffic to the other provider, and returns once the provider heals', async () => {
    // Healthy: the first deployment answers everything.
    expect((await round(4)).map((line) => line.model)).toEqual(Array(4).fill(primaryModel));
    expect(await primaryState()).toBe(0);

    // 500s: every request is answered by the backup; the breaker opens (stored in Redis until it half-opens).
    primary.setBehaviour({ kind: 'error', status: 500, message: 'upstream is down' });
    const failing = await roundsUntil(6, async () => breakers.kinds('primary').includes('open'));
    expect(failing.filter((line) => line.model !== backupModel)).toEqual([]);
    expect(await primaryState()).toBeGreaterThanOrEqual(1);

    // While it is open, requests skip the primary without calling it.
    const callsBefore = primary.requests.length;
    const whileOpen = await roundsUntil(10, async () => (await primaryState()) === 2 && (await storedOpen()));
    expect(whileOpen.filter((line) => line.model !== backupModel)).toEqual([]);
    expect(primary.requests.length - callsBefore).toBeLessThan(whileOpen.length);
    const skips = await Promise.all(whileOpen.map((line) => skippedBecause(line, /^primary breaker open until /)));
    expect(skips.some(Boolean)).toBe(true);

    // Hangs: the half-open probe runs into the timeout, is abandoned, and the breaker opens again.
    primary.setBehaviour({ kind: 'hang' });
    const opensBefore = breakers.kinds('primary').filter((kind) => kind === 'open').length;
    const hanging = await roundsUntil(
      4,
      () =>
        primary.requests.some((request) => request.aborted) &&
        breakers.kinds('primary').filter((kind) => kind === 'open').length > opensBefore,
    );
    expect(hanging.filter((line) => line.model !== backupModel)).toEqual([]);
    expect(breakers.kinds('primary')).not.toContain('close');

    // Heals: the next probe succeeds, the breaker closes everywhere, and the primary answers again.
    primary.setBehaviour({ kind: 'answer' });
    await roundsUntil(4, () => breakers.kinds('primary').includes('close'));
    expect(await primaryState()).toBe(0);
    expect(await storedOpen()).toBe(false);
    expect((await round(6)).map((line) => line.model)).toEqual(Array(6).fill(primaryModel));

    // No request failed, though the primary was down for most of them.
    expect(answered.length).toBe(sequence);
    expect(answered.filter((line) => line.status !== 'completed')).toEqual([]);
    expect(backup.requests.filter((request) => request.status !== 200)).toEqual([]);
  }, 400_000);
});
