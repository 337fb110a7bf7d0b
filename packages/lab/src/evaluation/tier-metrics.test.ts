import { loadConfig } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { answerTokensFor, tierMetrics, type RoutedExample } from './tier-metrics.ts';

const config = loadConfig();
const routed = (actual: string, predicted: string, extra: Partial<RoutedExample> = {}): RoutedExample => ({
  prompt: 'x'.repeat(400),
  actual,
  predicted,
  decided: true,
  raisedByRoute: false,
  ...extra,
});

describe('tierMetrics', () => {
  const metrics = tierMetrics(config.tiers, [
    routed('simple', 'simple'),
    routed('simple', 'medium', { raisedByRoute: true }),
    routed('medium', 'medium', { decided: false }),
    routed('complex', 'complex'),
    routed('complex', 'simple'),
  ]);

  it('computes accuracy, per-tier precision and recall, and the confusion matrix', () => {
    expect(metrics.accuracy).toBe(0.6);
    expect(metrics.perTier.simple).toEqual({ precision: 0.5, recall: 0.5, support: 2 });
    expect(metrics.perTier.medium).toEqual({ precision: 0.5, recall: 1, support: 1 });
    expect(metrics.perTier.complex).toEqual({ precision: 1, recall: 0.5, support: 2 });
    expect(metrics.confusion).toEqual({
      simple: { simple: 1, medium: 1, complex: 0 },
      medium: { simple: 0, medium: 1, complex: 0 },
      complex: { simple: 1, medium: 0, complex: 1 },
    });
  });

  it('counts under-routing among the prompts labeled with the last tier, and the other shares among all', () => {
    expect(metrics.underRoutingRate).toBe(0.5);
    expect(metrics.belowLabelRate).toBe(0.2);
    expect(metrics.strongShare).toBe(0.2);
    expect(metrics.decidedShare).toBe(0.8);
    expect(metrics.raisedByRouteShare).toBe(0.2);
  });

  it('prices each prompt on its tier’s first deployment against the last tier’s first deployment', () => {
    // 100 input tokens each; answers of 150 (simple), 500 (medium), 1,200 (complex) tokens.
    const [simple, medium, complex] = config.tiers.map(
      (tier) => tier.deployments[0] as { inputPerMTok: number; outputPerMTok: number },
    );
    const price = (deployment: typeof simple, output: number) =>
      ((deployment?.inputPerMTok ?? 0) * 100 + (deployment?.outputPerMTok ?? 0) * output) / 1e6;
    const expected =
      price(simple, 150) + price(medium, 150) + price(medium, 500) + price(complex, 1_200) + price(simple, 1_200);
    const baseline = 2 * price(complex, 150) + price(complex, 500) + 2 * price(complex, 1_200);
    expect(metrics.cost.costUsd).toBeCloseTo(expected, 10);
    expect(metrics.cost.baselineCostUsd).toBeCloseTo(baseline, 10);
    expect(metrics.cost.savingPercent).toBeCloseTo((100 * (baseline - expected)) / baseline, 6);
  });

  it('gives 0, not NaN, for empty sets and tiers nobody was sent to', () => {
    const empty = tierMetrics(config.tiers, []);
    expect(empty.accuracy).toBe(0);
    expect(empty.perTier.complex).toEqual({ precision: 0, recall: 0, support: 0 });
    expect(JSON.stringify(empty)).not.toContain('null');
  });

  it('maps answer lengths onto any ladder: first tier short, last tier long', () => {
    expect([0, 1, 2].map((index) => answerTokensFor(index, 3))).toEqual([150, 500, 1_200]);
    expect([0, 1].map((index) => answerTokensFor(index, 2))).toEqual([150, 1_200]);
    expect(answerTokensFor(0, 1)).toBe(1_200);
  });
});
