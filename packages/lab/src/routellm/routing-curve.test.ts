import { describe, expect, it } from 'vitest';
import { performanceAt, routingCurve } from './routing-curve.ts';

// Weak right on 2 of 4, strong right on 4 of 4: the gap is the two prompts the weak model misses.
const outcomes = [
  { weak: 0, strong: 1 },
  { weak: 1, strong: 1 },
  { weak: 0, strong: 1 },
  { weak: 1, strong: 1 },
];

describe('routingCurve', () => {
  it('is a straight line with APGR 0.5, CPT(50%) 50% and CPT(80%) 80% for the random router (all scores equal)', () => {
    const curve = routingCurve([0.3, 0.3, 0.3, 0.3], outcomes);
    expect(curve.vertices).toEqual([
      { strongShare: 0, performance: 0.5 },
      { strongShare: 1, performance: 1 },
    ]);
    expect(curve.apgr).toBeCloseTo(0.5, 12);
    expect(curve.cpt50).toBeCloseTo(0.5, 12);
    expect(curve.cpt80).toBeCloseTo(0.8, 12);
  });

  it('recovers the whole gap at 50% strong share for the perfect router', () => {
    const curve = routingCurve([0.9, 0.1, 0.8, 0.2], outcomes);
    expect(curve.vertices.map((vertex) => vertex.performance)).toEqual([0.5, 0.75, 1, 1, 1]);
    // PGR rises 0 → 1 over the first half, then stays at 1: area 0.25 + 0.5.
    expect(curve.apgr).toBeCloseTo(0.75, 12);
    expect(curve.cpt50).toBeCloseTo(0.25, 12);
    expect(curve.cpt80).toBeCloseTo(0.4, 12);
  });

  it('scores the worst router below 0.5 and treats ties as a random choice among them', () => {
    expect(routingCurve([0.1, 0.9, 0.2, 0.8], outcomes).apgr).toBeCloseTo(0.25, 12);
    const tied = routingCurve([0.5, 0.9, 0.5, 0.1], outcomes);
    // First the one prompt both models get right, then the two tied (both gain), then the last.
    expect(tied.vertices.map((vertex) => vertex.strongShare)).toEqual([0, 0.25, 0.75, 1]);
    expect(performanceAt(tied, 0.5)).toBeCloseTo(0.75, 12);
  });

  it('handles judge scores, gaps of zero and mismatched input', () => {
    const scored = routingCurve(
      [1, 0],
      [
        { weak: 6, strong: 9 },
        { weak: 8, strong: 8 },
      ],
    );
    expect(scored.weakPerformance).toBe(7);
    expect(scored.strongPerformance).toBe(8.5);
    expect(
      routingCurve(
        [1, 0],
        [
          { weak: 1, strong: 1 },
          { weak: 0, strong: 0 },
        ],
      ).apgr,
    ).toBeNull();
    expect(() => routingCurve([1], outcomes)).toThrow(RangeError);
  });

  it('refuses a score that is not a finite number, naming its position, instead of looping on it', () => {
    expect(() => routingCurve([0.2, Number.NaN, 0.1, 0.3], outcomes)).toThrow(
      new RangeError('score 2 is NaN; every score must be a finite number'),
    );
    expect(() => routingCurve([0.2, 0.1, Number.POSITIVE_INFINITY, 0.3], outcomes)).toThrow(/score 3 is Infinity/);
  });
});
