import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './config-loader.ts';
import { ConfigError } from './errors.ts';
import type { ExperimentConfig } from './experiment-config.ts';
import { assignExperiment, qualityThresholdOf, variantConfig } from './experiments.ts';
import { newRequestId } from './ids.ts';

const experiment = (name: string, share: number, sticky: 'key' | 'request'): ExperimentConfig => ({
  name,
  share,
  sticky,
  variant: { cascadeMode: 'cheapest-first' },
});

const ids = (count: number, prefix: string) => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

describe('experiment assignment', () => {
  it('puts every request of a key in one arm when sticky per key', () => {
    const experiments = [experiment('cheap', 0.5, 'key')];
    const arms = new Set<string>();
    for (const keyId of ids(40, 'team')) {
      const seen = new Set(ids(25, 'req').map((requestId) => assignExperiment(experiments, { keyId, requestId })?.arm));
      expect(seen.size).toBe(1);
      arms.add([...seen][0] ?? '');
    }
    // 40 keys at an even split: both arms occur.
    expect([...arms].sort()).toEqual(['control', 'variant']);
  });

  it('gives a request the same arm every time when sticky per request, whatever the key', () => {
    const experiments = [experiment('cheap', 0.5, 'request')];
    const requestIds = Array.from({ length: 200 }, () => newRequestId());
    const first = requestIds.map((requestId) => assignExperiment(experiments, { keyId: 'a', requestId })?.arm);
    const again = requestIds.map((requestId) => assignExperiment(experiments, { keyId: 'b', requestId })?.arm);
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(2);
  });

  it.each([
    ['key', 0.1],
    ['key', 0.3],
    ['request', 0.5],
    ['request', 0.85],
  ] as const)('sends about the share to the variant over 2,000 ids (sticky %s, share %s)', (sticky, share) => {
    const experiments = [experiment('gate', share, sticky)];
    const variants = ids(2_000, 'id').filter(
      (id) => assignExperiment(experiments, { keyId: id, requestId: id })?.arm === 'variant',
    ).length;
    // Binomial standard deviation at 2,000 draws is at most 1.1 points; 4 points is over 3.5 of them.
    expect(Math.abs(variants / 2_000 - share)).toBeLessThan(0.04);
  });

  it('puts a request in one experiment at most, the first variant that takes it, and splits the control', () => {
    const experiments = [experiment('first', 0.2, 'request'), experiment('second', 0.2, 'request')];
    const counts: Record<string, number> = {};
    for (const id of ids(4_000, 'r')) {
      const arm = assignExperiment(experiments, { keyId: 'k', requestId: id });
      if (arm === undefined) throw new Error('no arm');
      counts[`${arm.name}/${arm.arm}`] = (counts[`${arm.name}/${arm.arm}`] ?? 0) + 1;
    }
    // first takes 20 %; second 20 % of the other 80 %; the 64 % left is split evenly (equal shares).
    expect((counts['first/variant'] ?? 0) / 4_000).toBeCloseTo(0.2, 1);
    expect((counts['second/variant'] ?? 0) / 4_000).toBeCloseTo(0.16, 1);
    expect((counts['first/control'] ?? 0) / 4_000).toBeCloseTo(0.32, 1);
    expect((counts['second/control'] ?? 0) / 4_000).toBeCloseTo(0.32, 1);
    expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(4_000);
  });

  it('assigns nothing without experiments, and everything to control at share 0', () => {
    expect(assignExperiment([], { keyId: 'k', requestId: 'r' })).toBeUndefined();
    const arms = ids(100, 'r').map((id) =>
      assignExperiment([experiment('off', 0, 'request')], { keyId: 'k', requestId: id }),
    );
    expect(arms.every((arm) => arm?.arm === 'control' && arm.name === 'off')).toBe(true);
  });
});

describe('a variant configuration', () => {
  it('replaces every route cascade mode and the classifier settings it names, and nothing else', () => {
    const config = loadConfig();
    const variant = variantConfig(config, {
      name: 'v',
      share: 0.5,
      sticky: 'request',
      variant: { cascadeMode: 'cheapest-first', classifier: { confidenceThreshold: 0.9 } },
    });
    expect(variant.routes.map((route) => route.cascadeMode)).toEqual(config.routes.map(() => 'cheapest-first'));
    expect(variant.classifier).toEqual({ ...config.classifier, confidenceThreshold: 0.9 });
    expect(variant.experiments).toEqual([]);
    expect(config.routes.every((route) => route.cascadeMode === 'classify')).toBe(true);
  });

  it('holds variant requests to its quality threshold, over a tier threshold, others to the configured one', () => {
    const config = loadConfig();
    config.experiments = [{ name: 'strict', share: 0.5, sticky: 'key', variant: { qualityThreshold: 0.9 } }];
    const tier = { qualityThreshold: 0.6 };
    expect(qualityThresholdOf(config, tier, { name: 'strict', arm: 'variant' })).toBe(0.9);
    expect(qualityThresholdOf(config, tier, { name: 'strict', arm: 'control' })).toBe(0.6);
    expect(qualityThresholdOf(config, {}, undefined)).toBe(config.cascade.qualityThreshold);
    expect(qualityThresholdOf(config, {}, { name: 'gone', arm: 'variant' })).toBe(config.cascade.qualityThreshold);
  });
});

describe('experiments in the config', () => {
  const base = () => {
    const { tiers, routes, classifier, providers } = loadConfig();
    return { tiers, routes, classifier, providers };
  };
  const issuesOf = (experiments: unknown[]): readonly string[] => {
    try {
      parseConfig({ ...base(), experiments });
    } catch (error) {
      if (error instanceof ConfigError) return error.issues;
      throw error;
    }
    return [];
  };

  it('default to none', () => {
    expect(parseConfig(base()).experiments).toEqual([]);
  });

  it('name duplicate experiments, unknown tiers and strategies, and shares out of range', () => {
    const issues = issuesOf([
      { name: 'a', share: 0.1, sticky: 'key', variant: {} },
      { name: 'a', share: 0.1, sticky: 'key', variant: { classifier: { defaultTier: 'huge' } } },
    ]);
    expect(issues).toContain('experiments[1].name: duplicate experiment "a"');
    expect(issues).toContain(
      'experiments[1].variant.classifier.defaultTier: unknown tier "huge" (tiers: simple, medium, complex)',
    );
    const shapes = issuesOf([
      { name: 'b', share: 1.5, sticky: 'user', variant: { classifier: { strategies: ['magic'] } } },
    ]);
    expect(shapes.some((issue) => issue.startsWith('experiments[0].share:'))).toBe(true);
    expect(shapes.some((issue) => issue.startsWith('experiments[0].sticky:'))).toBe(true);
    expect(shapes.some((issue) => issue.startsWith('experiments[0].variant.classifier.strategies[0]:'))).toBe(true);
    expect(issuesOf([{ name: 'c', share: 0.2, sticky: 'request', variant: { qualityThreshold: 0.8 } }])).toEqual([]);
  });
});
