import { parseConfig, ProviderError } from '@switchyard/core';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { BreakerBoard } from './breaker-board.ts';
import { DeploymentUnavailableError } from './deployment-unavailable-error.ts';
import type { BreakerState, BreakerTransition } from './endpoint-breaker.ts';
import { createRedisBreakerSync } from './redis-breaker-sync.ts';

const config = parseConfig({
  tiers: [{ name: 'only', deployments: [{ provider: 'alpha', model: 'a-1', inputPerMTok: 1, outputPerMTok: 1 }] }],
  routes: [{ name: 'general' }],
  classifier: { defaultTier: 'only' },
  providers: { alpha: { type: 'simulated', breaker: { volumeThreshold: 2, resetTimeoutMs: 300, timeoutMs: 2_000 } } },
});
const alpha = { provider: 'alpha', model: 'a-1' };
const settle = (promise: Promise<unknown>) =>
  promise.then(
    (value) => value,
    (error: unknown) => error,
  );

function nextTransition(
  board: BreakerBoard,
  state: BreakerState,
  source?: 'local' | 'remote',
): Promise<BreakerTransition> {
  return new Promise((resolve) => {
    const stop = board.onTransition((transition) => {
      if (transition.state !== state || (source !== undefined && transition.source !== source)) return;
      stop();
      resolve(transition);
    });
  });
}

describe('breaker state shared through Redis', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((item) => item.close()));
  });

  async function boardPair() {
    const url = await redisUrlForTests();
    const prefix = uniquePrefix('breaker-sync');
    const probeKey = (endpoint: string) => `${prefix}:probe:{${endpoint}}`;
    const make = async () => {
      const redis = new Redis(url);
      const board = new BreakerBoard(config, {
        sync: createRedisBreakerSync({ redis, subscriber: new Redis(url), channel: `${prefix}:breakers`, probeKey }),
      });
      await board.start();
      open.push({
        close: async () => {
          await board.close();
          redis.disconnect();
        },
      });
      return { board, redis };
    };
    const [first, second] = [await make(), await make()];
    // A board's claim commands go out on its own connection before its call settles, and Redis
    // answers one connection's commands in order: reading the claim there sees what the call did.
    return { first: first.board, second: second.board, firstRedis: first.redis, probeKey: probeKey('alpha') };
  }

  async function openThenHalfOpen(first: BreakerBoard, second: BreakerBoard) {
    const heard = nextTransition(second, 'open', 'remote');
    for (let index = 0; index < 2; index += 1) {
      await settle(
        first.call(alpha, async () => Promise.reject(new ProviderError('alpha', 'alpha 503', { status: 503 }))),
      );
    }
    await heard;
    await Promise.all([nextTransition(first, 'half-open'), nextTransition(second, 'half-open')]);
  }

  it('a breaker opened in one process is honoured by the other, and one probe closes both', async () => {
    const { first, second } = await boardPair();
    const heard = nextTransition(second, 'open', 'remote');
    for (let index = 0; index < 2; index += 1) {
      await settle(
        first.call(alpha, async () => Promise.reject(new ProviderError('alpha', 'alpha 503', { status: 503 }))),
      );
    }
    await heard;

    let called = false;
    const skipped = await settle(second.call(alpha, async () => (called = true)));
    expect(called).toBe(false);
    expect(skipped).toMatchObject({ reason: 'breaker-open' });

    await Promise.all([nextTransition(first, 'half-open'), nextTransition(second, 'half-open')]);
    let probes = 0;
    let finishProbe = () => {};
    let probeStarted = () => {};
    const started = new Promise<void>((resolve) => (probeStarted = resolve));
    const probe = () => {
      probes += 1;
      probeStarted();
      return new Promise<string>((resolve) => (finishProbe = () => resolve('recovered')));
    };
    const attempts = [first.call(alpha, probe), second.call(alpha, probe)].map(settle);
    // Exactly one of the two calls becomes the probe; the other is turned away without a call.
    const [refused] = await Promise.all([Promise.race(attempts), started]);
    expect(refused).toBeInstanceOf(DeploymentUnavailableError);
    expect((refused as DeploymentUnavailableError).reason).toBe('probe-in-flight');
    expect(probes).toBe(1);

    const closedEverywhere = Promise.all([nextTransition(first, 'closed'), nextTransition(second, 'closed')]);
    finishProbe();
    expect(await Promise.all(attempts)).toContain('recovered');
    await closedEverywhere;
    expect(await second.call(alpha, async () => 'flowing')).toBe('flowing');
  });

  it('a 429 cool-down in one process is honoured by the other', async () => {
    const { first, second } = await boardPair();
    const limited = new ProviderError('alpha', 'alpha 429', { status: 429, retryAfterMs: 30_000 });
    const heard = new Promise((resolve) => second.onCooldown(resolve));
    await settle(first.call(alpha, async () => Promise.reject(limited)));
    expect(await heard).toMatchObject({ deployment: alpha, source: 'remote' });
    expect(second.availability(alpha)).toMatchObject({ available: false, reason: 'cooling-down' });
  });

  it("keeps a failed probe's claim until breakers may half-open again: no other process probes meanwhile", async () => {
    const { first, second, firstRedis, probeKey } = await boardPair();
    await openThenHalfOpen(first, second);
    const failed = new ProviderError('alpha', 'alpha 503', { status: 503 });
    expect(await settle(first.call(alpha, async () => Promise.reject(failed)))).toBe(failed);

    // Still held, now until the breakers' reset time (300 ms) instead of the probe's timeout.
    const remainingMs = await firstRedis.pttl(probeKey);
    expect(remainingMs).toBeGreaterThan(0);
    expect(remainingMs).toBeLessThanOrEqual(300);
    // A process that has not heard the `open` yet cannot take it.
    expect(await firstRedis.set(probeKey, 'another process', 'PX', 1_000, 'NX')).toBeNull();
  });

  it('tells a process that lost the probe claim to wait until it can expire, not to look every second', async () => {
    const { first, second, firstRedis, probeKey } = await boardPair();
    await openThenHalfOpen(first, second);
    let finishProbe = () => {};
    let probeStarted = () => {};
    const started = new Promise<void>((resolve) => (probeStarted = resolve));
    const probe = first.call(alpha, () => {
      probeStarted();
      return new Promise<string>((resolve) => (finishProbe = () => resolve('recovered')));
    });
    await started;

    const turnedAway = await settle(second.call(alpha, async () => 'not the probe'));
    const claimExpiry = Date.now() + (await firstRedis.pttl(probeKey));
    expect(turnedAway).toBeInstanceOf(DeploymentUnavailableError);
    expect(turnedAway).toMatchObject({ reason: 'probe-in-flight' });
    // The claim lasts the probe's timeout (2 s) plus a second's margin.
    expect((turnedAway as DeploymentUnavailableError).availableAt).toBeGreaterThan(claimExpiry - 200);
    finishProbe();
    expect(await probe).toBe('recovered');
  });

  it('an abandoned probe (its worker closing) is not announced as a failure and frees the claim at once', async () => {
    const { first, second, firstRedis, probeKey } = await boardPair();
    await openThenHalfOpen(first, second);
    const reopened = nextTransition(first, 'open');
    const controller = new AbortController();
    const probe = (signal: AbortSignal) =>
      new Promise<never>((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        controller.abort(new ProviderError('alpha', 'worker closing', { code: 'provider_aborted' }));
      });
    expect(await settle(first.call(alpha, probe, { signal: controller.signal }))).toMatchObject({
      code: 'provider_aborted',
    });

    expect(await reopened).toMatchObject({ probeAbandoned: true });
    expect(await firstRedis.exists(probeKey)).toBe(0);
    // The other process heard nothing, is still half-open and probes right away.
    expect(second.states().alpha).toBe('half-open');
    expect(await second.call(alpha, async () => 'probed by the other process')).toBe('probed by the other process');
    expect(second.states().alpha).toBe('closed');
  });
});

describe('breaker state stored in Redis', () => {
  it('a process started after a breaker opened elsewhere starts with it open, and closes with the others', async () => {
    const url = await redisUrlForTests();
    const prefix = uniquePrefix('breaker-state');
    const slow = parseConfig({
      ...config,
      providers: { alpha: { type: 'simulated', breaker: { volumeThreshold: 2, resetTimeoutMs: 60_000 } } },
    });
    const connections: Redis[] = [];
    const boards: BreakerBoard[] = [];
    const make = async () => {
      const redis = new Redis(url);
      const subscriber = new Redis(url);
      connections.push(redis);
      const board = new BreakerBoard(slow, {
        sync: createRedisBreakerSync({
          redis,
          subscriber,
          channel: `${prefix}:breakers`,
          probeKey: (endpoint) => `${prefix}:probe:{${endpoint}}`,
          stateKey: (endpoint) => `${prefix}:state:{${endpoint}}`,
        }),
      });
      boards.push(board);
      await board.start();
      return { board, redis };
    };
    try {
      const first = await make();
      for (let index = 0; index < 2; index += 1) {
        await settle(
          first.board.call(alpha, async () => Promise.reject(new ProviderError('alpha', 'alpha 503', { status: 503 }))),
        );
      }
      // The state is written on the first board's connection before its broadcast: a round trip
      // there has seen it.
      await first.redis.ping();
      const late = await make();
      const availability = late.board.availability(alpha);
      expect(availability.available).toBe(false);
      expect(availability.available === false && availability.reason).toBe('breaker-open');
      // Once the stored state is gone (a close deletes it, or it lapses at half-open), a process starts closed.
      await first.redis.del(`${prefix}:state:{alpha}`);
      const after = await make();
      expect(after.board.availability(alpha).available).toBe(true);
    } finally {
      await Promise.all(boards.map((board) => board.close()));
      for (const redis of connections) redis.disconnect();
    }
  });
});
