import { writeFileSync } from 'node:fs';
import { ConfigError, formatIssues, readDocumentFile } from '@switchyard/core';
import { z } from 'zod';
import type { FeatureOptions } from '../embedding/text-features.ts';
import type { SoftmaxModel } from './softmax-model.ts';
import { signalInputs, signalStrategyNames, type SignalStrategyName } from './tier-features.ts';

/** What `switchyard train` writes and the trained strategy loads. Version 1. */
export const tierModelFormat = 'switchyard.tier-model';

/**
 * The weights are loaded densely (dimensions × tiers × 4 bytes), so an unbounded `dimensions`
 * lets one edited number allocate gigabytes at start-up. 2^20 buckets (12 MB for three tiers) is
 * far past useful: from 2^12 to 2^16 the cross-validated accuracy stayed within 2 points.
 */
const maxDimensions = 2 ** 20;

/** `[min, max]` n-gram lengths; a reversed range would silently extract no n-grams at all. */
const ngramRange = z.tuple([z.number().int().min(1), z.number().int().min(1)]).superRefine(([min, max], context) => {
  if (min > max) context.addIssue({ code: 'custom', message: `minimum ${min} is above maximum ${max}` });
});

const featuresSchema = z.strictObject({
  type: z.literal('hashed-ngrams'),
  dimensions: z
    .number()
    .int()
    .min(2)
    .max(maxDimensions, `must be at most ${maxDimensions} (2^20)`)
    .refine((value) => (value & (value - 1)) === 0, 'must be a power of two'),
  charNgrams: ngramRange,
  wordNgrams: ngramRange,
  shape: z.boolean(),
  /** Hand-written strategies whose verdicts are inputs too (tier-features.ts); absent: none. */
  signals: z.array(z.enum(signalStrategyNames)).optional(),
});

export const tierModelSchema = z
  .strictObject({
    format: z.literal(tierModelFormat),
    version: z.literal(1),
    features: featuresSchema,
    /** Class order of `bias` and `weights`, cheapest tier first. */
    tiers: z.array(z.string().min(1)).min(2),
    bias: z.array(z.number()),
    /** Only the feature buckets training touched: `values` holds one row of `tiers.length` numbers per index. */
    weights: z.strictObject({ indices: z.array(z.number().int().min(0)), values: z.array(z.number()) }),
    calibration: z.strictObject({
      /** The tier whose share is calibrated: the last (strongest) one. */
      strongTier: z.string(),
      targetStrongShare: z.number().min(0).max(1),
      /** Added to the strong tier's logit. */
      logitOffset: z.number(),
      /** The logits (offset included) are divided by this before the softmax; absent: 1. */
      temperature: z.number().positive().optional(),
      /** Expected calibration error of the held-out predictions (10 confidence bins). */
      crossValidatedEce: z.number().min(0).max(1).optional(),
      /** Share sent to the strong tier on held-out predictions of the training data with the offset. */
      crossValidatedStrongShare: z.number().min(0).max(1),
    }),
    /** How it was made, for the record; not used to predict. */
    training: z.strictObject({
      examples: z.number().int().positive(),
      byTier: z.record(z.string(), z.number().int().min(0)),
      epochs: z.number().int().positive(),
      l2: z.number().min(0),
      learningRate: z.number().positive(),
      seed: z.number().int(),
      crossValidatedAccuracy: z.number().min(0).max(1),
    }),
  })
  .superRefine((model, context) => {
    const issue = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });
    if (model.bias.length !== model.tiers.length)
      issue(['bias'], `has ${model.bias.length} entries for ${model.tiers.length} tiers`);
    if (model.weights.values.length !== model.weights.indices.length * model.tiers.length) {
      issue(
        ['weights', 'values'],
        `has ${model.weights.values.length} numbers; ` +
          `expected ${model.weights.indices.length} indices × ${model.tiers.length} tiers`,
      );
    }
    const inputs = modelInputs(model.features.dimensions, model.tiers.length, model.features.signals ?? []);
    const outOfRange = model.weights.indices.findIndex((index) => index >= inputs);
    if (outOfRange >= 0)
      issue(
        ['weights', 'indices', outOfRange],
        `is not below ${inputs} (dimensions ${model.features.dimensions} and the signal slots)`,
      );
    // A repeated index would load the later row over the earlier one without a word. The first
    // repeat is enough to name: a file with one is not what `switchyard train` wrote.
    const firstAt = new Map<number, number>();
    for (const [position, index] of model.weights.indices.entries()) {
      const first = firstAt.get(index);
      if (first !== undefined) {
        issue(['weights', 'indices', position], `repeats index ${index} (first at ${first})`);
        break;
      }
      firstAt.set(index, position);
    }
    if (model.calibration.strongTier !== model.tiers[model.tiers.length - 1])
      issue(['calibration', 'strongTier'], 'must be the last tier');
  });

export type TierModelFile = z.infer<typeof tierModelSchema>;

export interface TierModel {
  tiers: readonly string[];
  features: FeatureOptions;
  signals: readonly SignalStrategyName[];
  /** Divides the logits before the softmax (calibration). */
  temperature: number;
  softmax: SoftmaxModel;
  /** Per class, added to the logits: the calibration offset on the strong tier, 0 elsewhere. */
  offsets: Float64Array;
  file: TierModelFile;
}

/** Checks shape and consistency; errors list each bad field by path, naming the source. */
export function parseTierModel(document: unknown, source: string): TierModel {
  const head = z.object({ format: z.unknown(), version: z.unknown() }).safeParse(document);
  if (!head.success || head.data.format !== tierModelFormat) {
    throw new ConfigError(
      `${source} is not a Switchyard tier model (expected "format": "${tierModelFormat}"; ` +
        'write one with: switchyard train <labeled.jsonl> -o <model.json>)',
    );
  }
  if (head.data.version !== 1)
    throw new ConfigError(
      `${source} is tier model version ${JSON.stringify(head.data.version)}; this build reads version 1`,
    );
  const parsed = tierModelSchema.safeParse(document);
  if (!parsed.success) throw new ConfigError(`${source} is not a valid tier model:`, formatIssues(parsed.error.issues));
  const file = parsed.data;
  const classes = file.tiers.length;
  const signals = file.features.signals ?? [];
  const inputs = modelInputs(file.features.dimensions, classes, signals);
  const weights = new Float32Array(inputs * classes);
  file.weights.indices.forEach((index, row) => {
    for (let k = 0; k < classes; k += 1)
      weights[index * classes + k] = file.weights.values[row * classes + k] as number;
  });
  const offsets = new Float64Array(classes);
  offsets[classes - 1] = file.calibration.logitOffset;
  return {
    tiers: file.tiers,
    signals,
    temperature: file.calibration.temperature ?? 1,
    features: {
      dimensions: file.features.dimensions,
      charNgrams: file.features.charNgrams,
      wordNgrams: file.features.wordNgrams,
      shape: file.features.shape,
    },
    softmax: { classes, dimensions: inputs, weights, bias: Float64Array.from(file.bias) },
    offsets,
    file,
  };
}

function modelInputs(dimensions: number, tiers: number, signals: readonly SignalStrategyName[]): number {
  return dimensions + signalInputs(tiers, signals);
}

export function readTierModel(path: string): TierModel {
  return parseTierModel(readDocumentFile(path, 'tier model', 'json'), `tier model ${path}`);
}

/** One line per weight row keeps diffs of retrained models readable and the file easy to inspect. */
export function writeTierModel(path: string, file: TierModelFile): void {
  const { weights, ...rest } = file;
  const classes = file.tiers.length;
  const rows: string[] = [];
  for (let row = 0; row < weights.indices.length; row += 1)
    rows.push(JSON.stringify(weights.values.slice(row * classes, (row + 1) * classes)));
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, '');
  const text = [
    `${head},`,
    '  "weights": {',
    `    "indices": ${JSON.stringify(weights.indices)},`,
    '    "values": [',
    rows.map((row) => `      ${row.slice(1, -1)}`).join(',\n'),
    '    ]',
    '  }',
    '}',
    '',
  ].join('\n');
  writeFileSync(path, text);
}
