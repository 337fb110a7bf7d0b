import { ConfigError, TierLadder, type StrategyVerdict, type SwitchyardConfig } from '@switchyard/core';
import type { ClassificationStrategy } from './strategy.ts';
import { round } from './tier-scores.ts';
import { softmaxInto } from './trained/softmax-model.ts';
import { createTierFeaturizer } from './trained/tier-features.ts';
import type { TierModel } from './trained/tier-model-file.ts';

export type TrainedStrategyConfig = Pick<SwitchyardConfig, 'tiers' | 'routes' | 'classifier'>;

/**
 * A local tier model (tier-model-file.ts) trained by `switchyard train`, reading hashed text
 * features and, when the model was trained with them, the rules' and keywords' verdicts
 * (tier-features.ts). Its scores are the calibrated tier probabilities, so the chain's confidence
 * threshold and top-2 gap apply to them as to any other strategy. Decides tiers only: the route is
 * always the fallback route.
 */
export function createTrainedStrategy(
  config: TrainedStrategyConfig,
  model: TierModel,
  source = 'the tier model',
): ClassificationStrategy {
  const ladder = new TierLadder(config);
  if (model.tiers.join('\n') !== ladder.names.join('\n')) {
    throw new ConfigError(
      `${source} was trained for the tiers ${model.tiers.join(', ')}, but the config has ${ladder.names.join(', ')}; ` +
        'retrain it with: switchyard train <labeled.jsonl> -o <model.json>',
    );
  }
  const route = config.classifier.fallbackRoute;
  const classes = model.tiers.length;
  const probabilities = new Float64Array(classes);
  const { featurize } = createTierFeaturizer(config, model.features, model.signals);

  return {
    name: 'trained',
    classify(prompt: string): StrategyVerdict {
      softmaxInto(model.softmax, featurize(prompt), probabilities, model.offsets, model.temperature);
      let best = 0;
      const scores: Record<string, number> = {};
      for (let k = 0; k < classes; k += 1) {
        scores[model.tiers[k] as string] = round(probabilities[k] as number);
        if ((probabilities[k] as number) > (probabilities[best] as number)) best = k;
      }
      return {
        strategy: 'trained',
        tier: model.tiers[best] as string,
        route,
        confidence: round(probabilities[best] as number),
        scores,
      };
    },
  };
}
