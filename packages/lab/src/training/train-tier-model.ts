import {
  createTierFeaturizer,
  defaultFeatureOptions,
  extractFeatures,
  logitsInto,
  tierModelFormat,
  type FeatureOptions,
  type LabeledExample,
  type SignalStrategyName,
  type SoftmaxModel,
  type SparseVector,
  type TierFeaturesConfig,
  type TierModelFile,
} from '@switchyard/classifiers';
import { stratifiedFolds } from '../evaluation/folds.ts';
import { defaultTrainingOptions, trainSoftmax, type TrainingOptions } from './softmax-training.ts';
import { calibrateStrongShare } from './strong-share-calibration.ts';
import { calibrateTemperature } from './temperature-calibration.ts';

export interface TrainTierModelOptions {
  /** The ladder, cheapest first; every label must be one of these. */
  tiers: readonly string[];
  /** Share of traffic the model should send to the last tier; default: that tier's share of the labels. */
  strongShare?: number | undefined;
  features?: FeatureOptions;
  training?: Partial<TrainingOptions>;
  /** Folds of the held-out predictions the calibration is fitted on. */
  calibrationFolds?: number;
  /** The hand-written strategies whose verdicts become inputs, and the config they are built from. */
  signals?: { config: TierFeaturesConfig; strategies: readonly SignalStrategyName[] };
}

/**
 * 8,192 buckets: from 4,096 to 65,536 the cross-validated accuracy stayed within 2 points, and
 * the saved model is half the size it is with the embedder's 16,384.
 */
export const defaultTierModelFeatures: FeatureOptions = { ...defaultFeatureOptions, dimensions: 8_192 };
/** Five folds: each calibration model still sees 80% of the examples. */
const defaultCalibrationFolds = 5;
/** Weights are saved with 4 decimals: typical weights are 0.01-0.5, so this is far below what moves a prediction. */
const savedDecimals = 1e4;

/**
 * Trains the tier model of the trained strategy. The strong-tier offset is calibrated on held-out
 * predictions (k-fold over the training data), not on the final model's own training
 * predictions: a model is overconfident on the examples it has seen, and an offset fitted there
 * would send far less than the target share of new traffic to the strong tier.
 */
export function trainTierModel(examples: readonly LabeledExample[], options: TrainTierModelOptions): TierModelFile {
  const tiers = options.tiers;
  if (tiers.length < 2) throw new Error('training needs a ladder of at least two tiers');
  const features = options.features ?? defaultTierModelFeatures;
  const training: TrainingOptions = { ...defaultTrainingOptions, ...options.training };
  const labels = examples.map((example, index) => {
    const label = tiers.indexOf(example.tier);
    if (label < 0)
      throw new Error(
        `example ${index + 1} has tier "${example.tier}", which is not configured (tiers: ${tiers.join(', ')})`,
      );
    return label;
  });
  const byTier: Record<string, number> = {};
  for (const tier of tiers) byTier[tier] = 0;
  for (const example of examples) byTier[example.tier] = (byTier[example.tier] ?? 0) + 1;
  const folds = options.calibrationFolds ?? defaultCalibrationFolds;
  const empty = tiers.filter((tier) => (byTier[tier] ?? 0) < folds);
  if (empty.length > 0)
    throw new Error(`every tier needs at least ${folds} labeled examples (fewer for: ${empty.join(', ')})`);

  const signals = options.signals?.strategies ?? [];
  const featurizer =
    options.signals === undefined
      ? { dimensions: features.dimensions, featurize: (prompt: string) => extractFeatures(prompt, features) }
      : createTierFeaturizer(options.signals.config, features, signals);
  const samples = examples.map((example) => featurizer.featurize(example.prompt));
  const strongIndex = tiers.length - 1;
  const heldOut = heldOutLogits(samples, labels, tiers.length, featurizer.dimensions, training, folds);
  const targetShare = options.strongShare ?? (byTier[tiers[strongIndex] as string] ?? 0) / examples.length;
  const calibration = calibrateStrongShare(heldOut, strongIndex, targetShare);
  const correct = heldOut.filter(
    (row, index) => argmaxWithOffset(row, strongIndex, calibration.offset) === labels[index],
  ).length;
  const shifted = heldOut.map((row) => {
    const copy = Float64Array.from(row);
    copy[strongIndex] = (copy[strongIndex] as number) + calibration.offset;
    return copy;
  });
  const temperature = calibrateTemperature(shifted, labels);

  const model = trainSoftmax(samples, labels, tiers.length, featurizer.dimensions, training);
  return {
    format: tierModelFormat,
    version: 1,
    features: {
      type: 'hashed-ngrams',
      dimensions: features.dimensions,
      charNgrams: [...features.charNgrams],
      wordNgrams: [...features.wordNgrams],
      shape: features.shape,
      ...(signals.length === 0 ? {} : { signals: [...signals] }),
    },
    tiers: [...tiers],
    bias: [...model.bias].map(rounded),
    weights: sparseWeights(model),
    calibration: {
      strongTier: tiers[strongIndex] as string,
      targetStrongShare: targetShare,
      logitOffset: rounded(calibration.offset),
      crossValidatedStrongShare: calibration.share,
      temperature: rounded(temperature.temperature),
      crossValidatedEce: rounded(temperature.ece),
    },
    training: {
      examples: examples.length,
      byTier,
      epochs: training.epochs,
      l2: training.l2,
      learningRate: training.learningRate,
      seed: training.seed,
      crossValidatedAccuracy: correct / examples.length,
    },
  };
}

/** Logits of every sample from a model that did not see it (stratified k-fold). */
export function heldOutLogits(
  samples: readonly SparseVector[],
  labels: readonly number[],
  classes: number,
  dimensions: number,
  training: TrainingOptions,
  folds: number,
): Float64Array[] {
  const foldOf = stratifiedFolds(labels.map(String), folds, training.seed);
  const logits = new Array<Float64Array>(samples.length);
  for (let fold = 0; fold < folds; fold += 1) {
    const trainIndexes = foldOf.flatMap((assigned, index) => (assigned === fold ? [] : [index]));
    const model = trainSoftmax(
      trainIndexes.map((index) => samples[index] as SparseVector),
      trainIndexes.map((index) => labels[index] as number),
      classes,
      dimensions,
      training,
    );
    foldOf.forEach((assigned, index) => {
      if (assigned === fold)
        logits[index] = logitsInto(model, samples[index] as SparseVector, new Float64Array(classes));
    });
  }
  return logits;
}

function argmaxWithOffset(row: Float64Array, strongIndex: number, offset: number): number {
  let best = 0;
  for (let k = 1; k < row.length; k += 1) {
    const value = (row[k] as number) + (k === strongIndex ? offset : 0);
    const bestValue = (row[best] as number) + (best === strongIndex ? offset : 0);
    if (value > bestValue) best = k;
  }
  return best;
}

function sparseWeights(model: SoftmaxModel): TierModelFile['weights'] {
  const indices: number[] = [];
  const values: number[] = [];
  for (let bucket = 0; bucket < model.dimensions; bucket += 1) {
    const row = Array.from(model.weights.subarray(bucket * model.classes, (bucket + 1) * model.classes), rounded);
    if (row.every((value) => value === 0)) continue;
    indices.push(bucket);
    values.push(...row);
  }
  return { indices, values };
}

function rounded(value: number): number {
  // `+ 0` turns -0 into 0 so the file never says "-0".
  return Math.round(value * savedDecimals) / savedDecimals + 0;
}
