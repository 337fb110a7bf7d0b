import { parseConfig, ProviderError } from '@switchyard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BreakerBoard } from './breaker-board.ts';
import { DeploymentUnavailableError } from './deployment-unavailable-error.ts';
import type { BreakerState, BreakerTransition } from './endpoint-breaker.ts';

const breaker = {
  volumeThreshold: 3,
  errorThresholdPercentage: 50,
  resetTimeoutMs: 150,
  rollingWindowMs: 10_000,
  timeoutMs: 200,
};
const config = parseConfig({
  tiers: [{ name: 'only', deployments: [{ provider: 'alpha', model: 'a-1', inputPerMTok: 1, outputPerMTok: 1 }] }],
  routes: [{ name: 'general' }],
  classifier: { defaultTier: 'only' },
  providers: { alpha: { type: 'simulated', breaker }, beta: { type: 'simulated', breaker } },
});
const alpha = { provider: 'alpha', model: 'a-1' };
const alphaOther = { provider: 'alpha', model: 'a-2' };

const serverError = () => new ProviderError('alpha', 'alpha 500 api_error: boom', { status: 500 });
/** A call that never answers until its signal aborts (a hanging provider). */
const hanging = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
const settle = (promise: Promise<unknown>) =>
  promise.then(
    (value) => value,
    (error: unknown) => error,
  );

function nextTransition(board: BreakerBoard, state: BreakerState): Promise<BreakerTransition> {
  return new Promise((resolve) => {
    const stop = board.onTransition((transition) => {
      if (transition.state !== state) return;
      stop();
      resolve(transition);
    });
  });
}

describe('breaker board', () => {
  let board: BreakerBoard;
  afterEach(() => board.close());

  it('opens after a burst of server errors, then skips the endpoint without calling it', async () => {
    board = new BreakerBoard(config);
    const opened = nextTransition(board, 'open');
    for (let index = 0; index < 3; index += 1) {
      expect(await settle(board.call(alpha, async () => Promise.reject(serverError())))).toMatchObject({ status: 500 });
    }
    const transition = await opened;
    expect(transition).toMatchObject({ endpoint: 'alpha', source: 'local', failures: 3 });
    expect(board.states()).toEqual({ alpha: 'open', beta: 'closed' });

    let called = false;
    const skipped = await settle(board.call(alpha, async () => (called = true)));
    expect(called).toBe(false);
    expect(skipped).toBeInstanceOf(DeploymentUnavailableError);
    expect(skipped).toMatchObject({ reason: 'breaker-open', retryable: true, code: 'deployment_unavailable' });
    const availability = board.availability(alpha);
    expect(availability.available).toBe(false);
    if (!availability.available) expect(availability.availableAt).toBe(transition.halfOpenAt);
  });

  it('is never tripped by requests the provider refused as wrong (4xx other than 408/409/429)', async () => {
    board = new BreakerBoard(config);
    for (let index = 0; index < 6; index += 1) {
      const rejected = new ProviderError('alpha', 'alpha 400: bad', { status: 400 });
      expect(await settle(board.call(alpha, async () => Promise.reject(rejected)))).toBe(rejected);
    }
    expect(board.states().alpha).toBe('closed');
  });

  it('lets exactly one probe through after the reset time and closes on its success', async () => {
    board = new BreakerBoard(config);
    for (let index = 0; index < 3; index += 1)
      await settle(board.call(alpha, async () => Promise.reject(serverError())));
    await nextTransition(board, 'half-open');

    let releaseProbe = () => {};
    const probe = board.call(
      alpha,
      () => new Promise<string>((resolve) => (releaseProbe = () => resolve('recovered'))),
    );
    const others = await Promise.all([1, 2, 3].map(() => settle(board.call(alpha, async () => 'not a probe'))));
    expect(
      others.every((error) => error instanceof DeploymentUnavailableError && error.reason === 'probe-in-flight'),
    ).toBe(true);

    const closed = nextTransition(board, 'closed');
    releaseProbe();
    expect(await probe).toBe('recovered');
    await closed;
    expect(await board.call(alpha, async () => 'flowing again')).toBe('flowing again');
  });

  it('aborts a call that runs past the timeout and counts it as a failure', async () => {
    board = new BreakerBoard(config);
    let aborted: unknown;
    const error = await settle(
      board.call(
        alpha,
        (signal) =>
          new Promise((_, reject) => signal.addEventListener('abort', () => reject((aborted = signal.reason)))),
      ),
    );
    expect(error).toMatchObject({ code: 'provider_timeout', retryable: true });
    expect(aborted).toBe(error);
    expect(board.stats('alpha')).toMatchObject({ timeouts: 1, failures: 1 });
  });

  it("cools a deployment down for the Retry-After of its 429, leaving the provider's other models alone", async () => {
    board = new BreakerBoard(config);
    const before = Date.now();
    const limited = new ProviderError('alpha', 'alpha 429: slow down', { status: 429, retryAfterMs: 60_000 });
    await settle(board.call(alpha, async () => Promise.reject(limited)));

    const availability = board.availability(alpha);
    expect(availability).toMatchObject({ available: false, reason: 'cooling-down' });
    if (!availability.available) expect(availability.availableAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(board.availability(alphaOther)).toEqual({ available: true });
    expect(board.availability(alpha, Date.now() + 61_000)).toEqual({ available: true });
  });

  it("leaves the endpoint closed on a burst of 429s for one model: the provider's other models answer", async () => {
    board = new BreakerBoard(config);
    const limited = () => new ProviderError('alpha', 'alpha 429: slow down', { status: 429, retryAfterMs: 60_000 });
    const burst = await Promise.all(
      [1, 2, 3, 4, 5].map(() => settle(board.call(alpha, async () => Promise.reject(limited())))),
    );
    expect(burst.every((error) => error instanceof ProviderError && error.status === 429)).toBe(true);

    expect(board.states().alpha).toBe('closed');
    expect(board.availability(alpha)).toMatchObject({ available: false, reason: 'cooling-down' });
    expect(await board.call(alphaOther, async () => 'a-2 answers')).toBe('a-2 answers');
  });

  it('does not close a half-open breaker on a refused probe (401): only a real answer closes it', async () => {
    board = new BreakerBoard(config);
    for (let index = 0; index < 3; index += 1)
      await settle(board.call(alpha, async () => Promise.reject(serverError())));
    await nextTransition(board, 'half-open');
    const transitions: BreakerState[] = [];
    board.onTransition((transition) => transitions.push(transition.state));

    const refused = new ProviderError('alpha', 'alpha 401 authentication_error: invalid x-api-key', { status: 401 });
    expect(await settle(board.call(alpha, async () => Promise.reject(refused)))).toBe(refused);
    expect(board.states().alpha).toBe('open');
    expect(transitions).toEqual(['open']);
  });

  it('tells a waiting caller the latest a local probe can end (its timeout), not to look every second', async () => {
    const slowConfig = parseConfig({
      ...config,
      providers: { alpha: { type: 'simulated', breaker: { ...breaker, timeoutMs: 5_000 } } },
    });
    board = new BreakerBoard(slowConfig);
    for (let index = 0; index < 3; index += 1)
      await settle(board.call(alpha, async () => Promise.reject(serverError())));
    await nextTransition(board, 'half-open');
    const probeStarted = Date.now();
    const probe = settle(board.call(alpha, hanging));

    const availability = board.availability(alpha);
    expect(availability).toMatchObject({ available: false, reason: 'probe-in-flight' });
    // The probe's timeout plus the claim's margin: it cannot be out any longer than that.
    if (!availability.available) expect(availability.availableAt).toBeGreaterThanOrEqual(probeStarted + 5_000);
    await board.close();
    await probe;
  });

  it("reports the later of a cool-down and the breaker's half-open time", async () => {
    const longReset = parseConfig({
      ...config,
      providers: { alpha: { type: 'simulated', breaker: { ...breaker, resetTimeoutMs: 10_000 } } },
    });
    board = new BreakerBoard(longReset);
    const limited = new ProviderError('alpha', 'alpha 429: slow down', { status: 429, retryAfterMs: 5_000 });
    await settle(board.call(alpha, async () => Promise.reject(limited)));
    const opened = nextTransition(board, 'open');
    for (let index = 0; index < 3; index += 1)
      await settle(board.call(alphaOther, async () => Promise.reject(serverError())));
    const { halfOpenAt } = await opened;

    // a-1 cools down for 5 s, but its endpoint stays open for 10 s.
    expect(board.availability(alpha)).toMatchObject({
      available: false,
      reason: 'breaker-open',
      availableAt: halfOpenAt,
    });
  });

  it('does not hold a call its caller aborted against the provider, and cancels it', async () => {
    board = new BreakerBoard(config);
    for (let index = 0; index < 4; index += 1) {
      const controller = new AbortController();
      const reason = new ProviderError('alpha', 'worker closing', { code: 'provider_aborted' });
      const call = (signal: AbortSignal) => {
        const answer = hanging(signal);
        controller.abort(reason);
        return answer;
      };
      expect(await settle(board.call(alpha, call, { signal: controller.signal }))).toBe(reason);
    }
    expect(board.states().alpha).toBe('closed');
    expect(board.stats('alpha')).toMatchObject({ failures: 0, timeouts: 0 });
  });
});
