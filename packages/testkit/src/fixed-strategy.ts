import type { StrategyName, StrategyVerdict } from '@switchyard/core';

/** A classification strategy that always says the same thing and counts its calls. */
export function fixedStrategy(name: StrategyName, verdict: Partial<StrategyVerdict>) {
  const strategy = {
    name,
    calls: 0,
    classify(): StrategyVerdict {
      strategy.calls += 1;
      return {
        strategy: name,
        tier: 'medium',
        route: 'general',
        confidence: 0.9,
        scores: { simple: 0, medium: 0.9, complex: 0.1 },
        ...verdict,
      };
    },
  };
  return strategy;
}
