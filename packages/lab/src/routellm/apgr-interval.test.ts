import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.ts';
import { apgrInterval } from './apgr-interval.ts';
import { routingCurve } from './routing-curve.ts';

const random = seededRandom(3);
// 400 prompts; the weak model misses a third of them, the strong one none.
const outcomes = Array.from({ length: 400 }, (_, index) => ({ weak: index % 3 === 0 ? 0 : 1, strong: 1 }));

describe('apgrInterval', () => {
  it('brackets the APGR of a good router, above 0.5, and of a router guessing at random, around 0.5', () => {
    const good = outcomes.map((outcome) => (outcome.weak === 0 ? 0.6 : 0.4) + random() * 0.5);
    const [low, high] = apgrInterval(good, outcomes) ?? [0, 0];
    const apgr = routingCurve(good, outcomes).apgr ?? 0;
    expect(low).toBeLessThanOrEqual(apgr);
    expect(high).toBeGreaterThanOrEqual(apgr);
    expect(low).toBeGreaterThan(0.5);

    const guessing = outcomes.map(() => random());
    const [guessLow, guessHigh] = apgrInterval(guessing, outcomes) ?? [1, 0];
    expect(guessLow).toBeLessThan(0.5);
    expect(guessHigh).toBeGreaterThan(0.5);
  });

  it('is the same for the same seed, and null when the two models perform the same', () => {
    const scores = outcomes.map((_, index) => index % 7);
    expect(apgrInterval(scores, outcomes, 50, 9)).toEqual(apgrInterval(scores, outcomes, 50, 9));
    expect(
      apgrInterval(
        [1, 2],
        [
          { weak: 1, strong: 1 },
          { weak: 0, strong: 0 },
        ],
      ),
    ).toBeNull();
  });
});
