import { ConfigError, type StrategyName, type SwitchyardConfig } from '@switchyard/core';
import { createCentroidStrategy } from './centroid-strategy.ts';
import type { Embedder } from './embedding/embedder.ts';
import { embedderFromConfig } from './embedding/embedder-from-config.ts';
import { createKeywordsStrategy } from './keywords-strategy.ts';
import { bundledLabeledSetPath, checkLabeledTiers, readLabeledSet, type LabeledExample } from './labeled-set.ts';
import { createLlmStrategy, type LlmDeployment, type LlmVerdict } from './llm/llm-strategy.ts';
import type { VerdictCache } from './llm/verdict-cache.ts';
import { createRulesStrategy } from './rules-strategy.ts';
import type { ClassificationStrategy } from './strategy.ts';
import { createTrainedStrategy } from './trained-strategy.ts';
import { readTierModel, type TierModel } from './trained/tier-model-file.ts';

/**
 * What strategies need besides the config. Everything is optional: without it, a strategy builds
 * its dependency from the config (embedder, examples, model file) or, for `llm`, reports itself
 * unavailable on every verdict.
 */
export interface StrategyContext {
  /** Environment holding the keys named by `apiKeyEnv` fields; the config never holds secrets. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Used instead of `classifier.centroid.embedder`. */
  embedder?: Embedder;
  /** Used instead of reading `classifier.centroid.examplesPath` (cross-validation passes a fold). */
  centroidExamples?: readonly LabeledExample[];
  /** Used instead of reading `classifier.trained.modelPath`. */
  tierModel?: TierModel;
  /** The model that answers for the `llm` strategy; built by the caller, which owns the providers. */
  llm?: LlmDeployment;
  /** Shared by the llm strategies of several chains (an evaluation's folds), instead of one each. */
  llmCache?: VerdictCache<LlmVerdict>;
}

export type StrategyFactory = (config: SwitchyardConfig, context: StrategyContext) => ClassificationStrategy;

const strategyFactories: Record<StrategyName, StrategyFactory> = {
  keywords: (config) => createKeywordsStrategy(config),
  rules: (config) => createRulesStrategy(config),
  centroid(config, context) {
    const examplesPath = config.classifier.centroid.examplesPath ?? bundledLabeledSetPath;
    let examples = context.centroidExamples;
    if (examples === undefined) {
      const read = readLabeledSet(examplesPath);
      checkLabeledTiers(
        read,
        config.tiers.map((tier) => tier.name),
        examplesPath,
      );
      examples = read;
    }
    return createCentroidStrategy(config, {
      embedder: context.embedder ?? embedderFromConfig(config, context.env ?? {}),
      examples,
    });
  },
  trained(config, context) {
    if (context.tierModel !== undefined) return createTrainedStrategy(config, context.tierModel);
    const modelPath = config.classifier.trained.modelPath;
    if (modelPath === undefined) {
      throw new ConfigError('configuration is invalid:', [
        'classifier.trained.modelPath: required for the trained strategy ' +
          '(write a model with: switchyard train <labeled.jsonl> -o <model.json>)',
      ]);
    }
    return createTrainedStrategy(config, readTierModel(modelPath), `tier model ${modelPath}`);
  },
  llm: (config, context) =>
    createLlmStrategy(config, context.llm, context.llmCache === undefined ? {} : { cache: context.llmCache }),
};

/**
 * Strategies that can name a route. After one strategy has decided the tier, only these still
 * run, and only while no confident route has been found.
 */
export const routeStrategyNames: ReadonlySet<string> = new Set<StrategyName>(['keywords']);

/**
 * Builds `classifier.strategies` in order. Every file a strategy needs (model, examples) is read
 * here, so a missing or malformed one stops start-up, not a request; a plain error from a
 * factory is reported as a ConfigError naming the strategy.
 */
export function buildStrategies(config: SwitchyardConfig, context: StrategyContext = {}): ClassificationStrategy[] {
  return config.classifier.strategies.map((name, index) => {
    try {
      return strategyFactories[name](config, context);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(
        `classifier strategy "${name}" cannot start`,
        [`classifier.strategies[${index}]: ${(error as Error).message}`],
        { cause: error },
      );
    }
  });
}
