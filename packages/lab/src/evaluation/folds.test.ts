import { describe, expect, it } from 'vitest';
import { groupedFolds, stratifiedFolds } from './folds.ts';

const count = (folds: number[], fold: number) => folds.filter((assigned) => assigned === fold).length;

describe('stratifiedFolds', () => {
  const labels = [...Array(30).fill('a'), ...Array(10).fill('b')] as string[];
  const folds = stratifiedFolds(labels, 5);

  it('spreads every label evenly over the folds', () => {
    for (let fold = 0; fold < 5; fold += 1) {
      expect(folds.filter((assigned, index) => assigned === fold && labels[index] === 'a')).toHaveLength(6);
      expect(folds.filter((assigned, index) => assigned === fold && labels[index] === 'b')).toHaveLength(2);
    }
  });

  it('is the same for the same seed and different for another', () => {
    expect(stratifiedFolds(labels, 5)).toEqual(folds);
    expect(stratifiedFolds(labels, 5, 2)).not.toEqual(folds);
  });

  it('refuses fewer than two folds or more folds than items', () => {
    expect(() => stratifiedFolds(labels, 1)).toThrow(/at least 2/);
    expect(() => stratifiedFolds(['a'], 2)).toThrow(/cannot split 1 item/);
  });
});

describe('groupedFolds', () => {
  const groups = ['law', 'law', 'law', 'math', 'math', 'bio', 'bio', 'bio', 'bio', 'art', 'geo', 'geo'];
  const folds = groupedFolds(groups, 3);

  it('keeps each group inside one fold', () => {
    for (const group of new Set(groups))
      expect(new Set(folds.filter((_, index) => groups[index] === group)).size).toBe(1);
  });

  it('balances fold sizes', () => {
    const sizes = [0, 1, 2].map((fold) => count(folds, fold));
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('needs at least as many groups as folds', () => {
    expect(() => groupedFolds(['a', 'a', 'b'], 3)).toThrow(/cannot split 2 item\(s\) or group\(s\) into 3 folds/);
  });
});
