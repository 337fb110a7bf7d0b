import {
  defaultFeatureOptions,
  extractFeatures,
  type FeatureOptions,
  type SparseVector,
} from '@switchyard/classifiers';
import { groupedFolds } from '../evaluation/folds.ts';
import { softmaxInto } from '@switchyard/classifiers';
import { defaultTrainingOptions, trainSoftmax } from '../training/softmax-training.ts';
import { normalizePrompt } from '@switchyard/providers';
import type { RecordedOutcome } from './routellm-data.ts';

/**
 * The trained strategy's own features and training settings. Tried on these outcomes: 3 or 5
 * epochs lost up to 2 points of MMLU APGR against 10, 20 gained under half a point for twice the
 * time; other step sizes, n-gram ranges and 2^16 buckets stayed within a point.
 */
const routeLlmFeatures: FeatureOptions = defaultFeatureOptions;

/**
 * Out-of-fold probability that the strong model does better than the weak one, per item: a
 * logistic regression over the same text features as the trained strategy, trained on the other
 * folds. Folds hold whole groups (MMLU subjects, MT-Bench categories; GSM8K prompts one by one),
 * so every prompt is scored by a model that never saw its subject, nor the prompt itself under
 * another group (leakFreeGroups).
 */
export function crossValidatedStrongScores(items: readonly RecordedOutcome[], folds: number, seed: number): number[] {
  const samples: SparseVector[] = items.map((item) => extractFeatures(item.prompt, routeLlmFeatures));
  const labels = items.map((item) => (item.strong > item.weak ? 1 : 0));
  const foldOf = groupedFolds(leakFreeGroups(items), folds, seed);
  const scores = new Array<number>(items.length).fill(0);
  const probabilities = new Float64Array(2);
  for (let fold = 0; fold < folds; fold += 1) {
    const training = foldOf.flatMap((assigned, index) => (assigned === fold ? [] : [index]));
    const model = trainSoftmax(
      training.map((index) => samples[index] as SparseVector),
      training.map((index) => labels[index] as number),
      2,
      routeLlmFeatures.dimensions,
      { ...defaultTrainingOptions, seed },
    );
    foldOf.forEach((assigned, index) => {
      if (assigned === fold)
        scores[index] = softmaxInto(model, samples[index] as SparseVector, probabilities)[1] as number;
    });
  }
  return scores;
}

/**
 * The fold group of each item: its own group, except that groups sharing a prompt (whitespace
 * normalised) are merged into one, named after the first of them in sort order. The same
 * question can sit in two groups (78 MMLU questions are in both clinical_knowledge and
 * college_medicine); split over two folds, each copy would be scored by a model trained on the
 * other, with the same outcome.
 */
export function leakFreeGroups(items: readonly RecordedOutcome[]): string[] {
  const parent = new Map<string, string>();
  const root = (group: string): string => {
    let current = group;
    for (let next = parent.get(current); next !== undefined; next = parent.get(current)) current = next;
    return current;
  };
  const groupOfPrompt = new Map<string, string>();
  for (const item of items) {
    const prompt = normalizePrompt(item.prompt);
    const seen = groupOfPrompt.get(prompt);
    if (seen === undefined) {
      groupOfPrompt.set(prompt, item.group);
      continue;
    }
    const [first, second] = [root(seen), root(item.group)].sort() as [string, string];
    if (first !== second) parent.set(second, first);
  }
  return items.map((item) => root(item.group));
}
