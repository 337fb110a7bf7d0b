import { TierLadder } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { levelIndexes, scoreTiers, tierGap } from './tier-scores.ts';

const ladderOf = (...names: string[]) => new TierLadder({ tiers: names.map((name) => ({ name, deployments: [] })) });
const scoring = { prior: 0.5, minGap: 0.02 };

describe('levelIndexes', () => {
  it('maps simple to the first tier, complex to the last and medium to the middle, rounding down', () => {
    expect(levelIndexes(ladderOf('simple', 'medium', 'complex'))).toEqual({ simple: 0, medium: 1, complex: 2 });
    expect(levelIndexes(ladderOf('cheap', 'mid', 'premium', 'ultra'))).toEqual({ simple: 0, medium: 1, complex: 3 });
    expect(levelIndexes(ladderOf('a', 'b', 'c', 'd', 'e'))).toEqual({ simple: 0, medium: 2, complex: 4 });
    expect(levelIndexes(ladderOf('cheap', 'strong'))).toEqual({ simple: 0, medium: 0, complex: 1 });
    expect(levelIndexes(ladderOf('only'))).toEqual({ simple: 0, medium: 0, complex: 0 });
  });
});

describe('scoreTiers', () => {
  const ladder = ladderOf('simple', 'medium', 'complex');

  it('reports no evidence as unsure, with even scores below the default threshold', () => {
    const result = scoreTiers(ladder, [0, 0, 0], scoring, 'nothing matched');
    expect(result.unsure).toBe('nothing matched');
    expect(result.confidence).toBeLessThan(0.35);
    expect(result.tier).toBe('simple');
  });

  it('gives one full-weight signal 0.6 and keeps the scores summing to 1', () => {
    const result = scoreTiers(ladder, [0, 0, 1], scoring, 'nothing matched');
    expect(result).toMatchObject({ tier: 'complex', confidence: 0.6, gap: 0.4 });
    expect(result.unsure).toBeUndefined();
    const total = Object.values(result.scores).reduce((sum, score) => sum + score, 0);
    expect(total).toBeCloseTo(1, 3);
  });

  it('calls a near tie ambiguous, naming both tiers', () => {
    const result = scoreTiers(ladder, [1, 0, 1.01], scoring, 'nothing matched');
    expect(result.unsure).toMatch(/^ambiguous: complex .* vs simple /);
  });

  it('is certain on a one-tier ladder once there is evidence', () => {
    const result = scoreTiers(ladderOf('only'), [0.3], scoring, 'nothing matched');
    expect(result).toMatchObject({ tier: 'only', confidence: 1, gap: 1 });
    expect(result.unsure).toBeUndefined();
  });
});

describe('tierGap', () => {
  it('measures the top-2 gap over tier keys only, ignoring route scores', () => {
    expect(
      tierGap({ simple: 0.2, medium: 0.5, complex: 0.3, 'route:code': 0.9 }, ['simple', 'medium', 'complex']),
    ).toBeCloseTo(0.2);
    expect(tierGap({ only: 0.7 }, ['only'])).toBe(0.7);
  });
});
