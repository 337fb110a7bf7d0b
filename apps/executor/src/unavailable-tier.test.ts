import { describe, expect, it } from 'vitest';
import { TierUnavailableError } from './tier-unavailable-error.ts';
import { decideUnavailable, type WaitState } from './unavailable-tier.ts';

const now = 1_000_000;
const waitMs = 120_000;
const skipped = [
  {
    deployment: { provider: 'anthropic', model: 'claude-haiku-4-5' },
    error: 'anthropic breaker half-open, a probe is testing it',
  },
];
const waiting = (delays: number): WaitState => ({ unavailableSince: now - 1_000, delays, skipped });
const delayOf = (error: TierUnavailableError, previous: WaitState | undefined) => {
  const verdict = decideUnavailable(error, previous, waitMs, now);
  if (verdict.action !== 'delay') throw new Error(`expected a delay, got ${verdict.action}`);
  return verdict.until - now;
};

describe('waiting for an unavailable tier', () => {
  it('wakes exactly when a breaker half-opens or a cool-down ends', () => {
    expect(delayOf(new TierUnavailableError('cheap', now + 12_345, skipped, { now }), waiting(3))).toBe(12_345);
  });

  it('while a probe is out, looks again after 250 ms, then twice as long per delay, up to 8 s', () => {
    // The probe may take up to its 60 s timeout, but usually answers within seconds.
    const probing = new TierUnavailableError('cheap', now + 61_000, skipped, { now, probing: true });
    const delays = [undefined, waiting(1), waiting(2), waiting(3), waiting(4), waiting(5), waiting(6), waiting(20)].map(
      (previous) => delayOf(probing, previous),
    );
    expect(delays).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it("never waits past the probe's latest end, or past a breaker known to half-open sooner", () => {
    const probeAlmostDone = new TierUnavailableError('cheap', now + 3_000, skipped, { now, probing: true });
    expect(delayOf(probeAlmostDone, waiting(6))).toBe(3_000);
  });

  it('gives up once the configured wait is used up', () => {
    const verdict = decideUnavailable(
      new TierUnavailableError('cheap', now + 5_000, skipped, { now }),
      waiting(9),
      1_000,
      now,
    );
    expect(verdict).toMatchObject({ action: 'give-up', waitedMs: 1_000 });
  });
});
