import { ConfigError, type StrategyName, type SwitchyardConfig } from '@switchyard/core';
import { createKeywordsStrategy } from './keywords-strategy.ts';
import { createRulesStrategy } from './rules-strategy.ts';
import type { ClassificationStrategy } from './strategy.ts';

export type StrategyFactory = (config: SwitchyardConfig) => ClassificationStrategy;

/**
 * The strategies this build can construct. The config schema already knows every planned name
 * (centroid, trained, llm); each becomes available by adding its factory here.
 */
const strategyFactories: Partial<Record<StrategyName, StrategyFactory>> = {
  keywords: createKeywordsStrategy,
  rules: createRulesStrategy,
};

/**
 * Strategies that can name a route. After one strategy has decided the tier, only these still
 * run, and only while no confident route has been found.
 */
export const routeStrategyNames: ReadonlySet<string> = new Set<StrategyName>(['keywords']);

/** Builds `classifier.strategies` in order; an unavailable name fails here, at start-up, not per request. */
export function buildStrategies(config: SwitchyardConfig): ClassificationStrategy[] {
  const available = Object.keys(strategyFactories).join(', ');
  return config.classifier.strategies.map((name, index) => {
    const factory = strategyFactories[name];
    if (factory === undefined) {
      throw new ConfigError(`classifier strategy "${name}" is not available in this build`, [
        `classifier.strategies[${index}]: "${name}" is not available (available: ${available})`,
      ]);
    }
    return factory(config);
  });
}
