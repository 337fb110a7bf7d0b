import type { StrategyVerdict, SwitchyardConfig } from '@switchyard/core';
import { extractFeatures, type FeatureOptions, type SparseVector } from '../embedding/text-features.ts';
import { createKeywordsStrategy } from '../keywords-strategy.ts';
import { createRulesStrategy } from '../rules-strategy.ts';
import type { ClassificationStrategy } from '../strategy.ts';
import { demandSignals, demandSlots } from './demand-signals.ts';

/**
 * Signals a tier model can take as features: the verdicts of the hand-written strategies, and
 * `demands`, language-light counts of how many things the prompt asks for (demand-signals.ts).
 */
export const signalStrategyNames = ['rules', 'keywords', 'demands'] as const;
export type SignalStrategyName = (typeof signalStrategyNames)[number];

export type TierFeaturesConfig = Pick<SwitchyardConfig, 'tiers' | 'routes' | 'classifier'>;

/**
 * Signal slots per strategy: each tier's score when the strategy was sure, each tier's score
 * when it was unsure, and one "unsure" flag. Sure and unsure scores get their own weights, so
 * the model learns how far to trust a rule that fired and how little one that only leaned.
 */
export function signalSlots(tiers: number): number {
  return 2 * tiers + 1;
}

/** Input slots of a model with these signals after its `dimensions` hashed buckets. */
export function signalInputs(tiers: number, signals: readonly SignalStrategyName[]): number {
  return signals.reduce((total, name) => total + (name === 'demands' ? demandSlots : signalSlots(tiers)), 0);
}

/**
 * The input of a tier model: hashed n-grams and shape features in `[0, dimensions)`, then, when
 * the model takes signals, the verdicts of the named hand-written strategies in the slots after
 * them. The model weighs the rules like any other evidence, so a rule that fires on a generic
 * verb ("explain", "write") cannot decide alone against the rest of the prompt.
 */
export function createTierFeaturizer(
  config: TierFeaturesConfig,
  features: FeatureOptions,
  signals: readonly SignalStrategyName[],
): { dimensions: number; featurize(prompt: string): SparseVector } {
  const tierNames = config.tiers.map((tier) => tier.name);
  const slots = signalSlots(tierNames.length);
  const strategies: ClassificationStrategy[] = signals.flatMap((name) =>
    name === 'rules' ? [createRulesStrategy(config)] : name === 'keywords' ? [createKeywordsStrategy(config)] : [],
  );
  const withDemands = signals.includes('demands');
  const demandsBase = features.dimensions + slots * strategies.length;
  const dimensions = demandsBase + (withDemands ? demandSlots : 0);
  if (signals.length === 0) return { dimensions, featurize: (prompt) => extractFeatures(prompt, features) };
  return {
    dimensions,
    featurize(prompt) {
      const text = extractFeatures(prompt, features);
      const extra: number[] = [];
      const values: number[] = [];
      strategies.forEach((strategy, position) => {
        const verdict = strategy.classify(prompt) as StrategyVerdict;
        const base = features.dimensions + position * slots;
        const unsure = verdict.unsure !== undefined;
        tierNames.forEach((tier, index) => {
          const score = verdict.scores[tier] ?? 0;
          if (score !== 0) {
            extra.push(base + (unsure ? tierNames.length : 0) + index);
            values.push(score);
          }
        });
        if (unsure) {
          extra.push(base + 2 * tierNames.length);
          values.push(1);
        }
      });
      if (withDemands) {
        demandSignals(prompt).forEach((value, index) => {
          if (value !== 0) {
            extra.push(demandsBase + index);
            values.push(value);
          }
        });
      }
      const indices = new Int32Array(text.indices.length + extra.length);
      indices.set(text.indices);
      indices.set(extra, text.indices.length);
      const all = new Float32Array(text.values.length + values.length);
      all.set(text.values);
      all.set(values, text.values.length);
      return { indices, values: all };
    },
  };
}
