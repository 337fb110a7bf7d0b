import {
  defaultFeatureOptions,
  extractFeatures,
  softmaxInto,
  type FeatureOptions,
  type SparseVector,
} from '@switchyard/classifiers';
import { defaultTrainingOptions, trainSoftmax } from '../training/softmax-training.ts';
import type { RecordedOutcome } from './routellm-data.ts';

/** The trained strategy's own text features. */
const strongWinFeatures: FeatureOptions = defaultFeatureOptions;

/**
 * A logistic regression over the trained strategy's text features, fitted on recorded outcomes
 * (label: the strong model did better than the weak one). Returns the probability of that for
 * any prompt; the evaluation applies it only to prompts of the other side of a split.
 */
export function trainStrongWinModel(items: readonly RecordedOutcome[], seed = 1): (prompt: string) => number {
  if (items.length === 0) throw new Error('the training part holds no RouteLLM prompt');
  const samples: SparseVector[] = items.map((item) => extractFeatures(item.prompt, strongWinFeatures));
  const labels = items.map((item) => (item.strong > item.weak ? 1 : 0));
  const model = trainSoftmax(samples, labels, 2, strongWinFeatures.dimensions, { ...defaultTrainingOptions, seed });
  const probabilities = new Float64Array(2);
  return (prompt) => softmaxInto(model, extractFeatures(prompt, strongWinFeatures), probabilities)[1] as number;
}
