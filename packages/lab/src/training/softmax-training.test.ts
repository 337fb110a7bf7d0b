import { describe, expect, it } from 'vitest';
import { defaultFeatureOptions, extractFeatures } from '@switchyard/classifiers';
import { softmaxInto } from '@switchyard/classifiers';
import { defaultTrainingOptions, trainSoftmax } from './softmax-training.ts';
import { calibrateStrongShare } from './strong-share-calibration.ts';

const options = { ...defaultFeatureOptions, dimensions: 1024 };
const greetings = ['hi', 'hello there', 'hey', 'good morning', 'hi friend', 'hello', 'hey you', 'morning!'];
const proofs = [
  'prove the lemma',
  'prove it by induction',
  'a rigorous proof',
  'prove the bound',
  'prove this claim',
  'proof by contradiction',
];

describe('trainSoftmax', () => {
  const samples = [...greetings, ...proofs].map((text) => extractFeatures(text, options));
  const labels = [...greetings.map(() => 0), ...proofs.map(() => 1)];
  const model = trainSoftmax(samples, labels, 2, options.dimensions);
  const probabilityOfProof = (text: string) =>
    softmaxInto(model, extractFeatures(text, options), new Float64Array(2))[1] as number;

  it('learns to separate two kinds of prompt, including unseen ones', () => {
    expect(probabilityOfProof('hello, good morning')).toBeLessThan(0.3);
    expect(probabilityOfProof('prove the theorem')).toBeGreaterThan(0.7);
  });

  it('is reproducible: the same data and seed give the same weights, another seed other weights', () => {
    expect(trainSoftmax(samples, labels, 2, options.dimensions).weights).toEqual(model.weights);
    expect(
      trainSoftmax(samples, labels, 2, options.dimensions, { ...defaultTrainingOptions, seed: 2 }).weights,
    ).not.toEqual(model.weights);
  });

  it('leaves buckets no sample touched at exactly 0', () => {
    const touched = new Set(samples.flatMap((sample) => [...sample.indices]));
    const untouched = [...Array(options.dimensions).keys()].filter((bucket) => !touched.has(bucket));
    expect(untouched.every((bucket) => model.weights[bucket * 2] === 0 && model.weights[bucket * 2 + 1] === 0)).toBe(
      true,
    );
  });

  it('shifts probabilities by per-class logit offsets', () => {
    const sample = extractFeatures('prove the theorem', options);
    const plain = softmaxInto(model, sample, new Float64Array(2))[1] as number;
    const shifted = softmaxInto(model, sample, new Float64Array(2), Float64Array.from([0, -5]))[1] as number;
    expect(shifted).toBeLessThan(plain);
  });
});

describe('calibrateStrongShare', () => {
  // Margins (best other minus strong): 3, 1, -1, -3, so the strong logit needs an offset above each.
  const logits = [
    [3, 0],
    [1, 0],
    [0, 1],
    [0, 3],
  ].map((row) => Float64Array.from(row));

  it('finds the offset that sends exactly the target share to the strong class', () => {
    expect(calibrateStrongShare(logits, 1, 0.5)).toEqual({ offset: 0, share: 0.5 });
    expect(calibrateStrongShare(logits, 1, 0.75)).toEqual({ offset: 2, share: 0.75 });
    expect(calibrateStrongShare(logits, 1, 0)).toEqual({ offset: -4, share: 0 });
    expect(calibrateStrongShare(logits, 1, 1)).toEqual({ offset: 4, share: 1 });
  });

  it('reports the share it really reaches when equal margins straddle the cut', () => {
    const tied = [
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 2],
    ].map((row) => Float64Array.from(row));
    expect(calibrateStrongShare(tied, 1, 0.5).share).toBe(0.25);
  });

  it('refuses a share outside 0..1 and an empty set', () => {
    expect(() => calibrateStrongShare(logits, 1, 1.5)).toThrow(RangeError);
    expect(() => calibrateStrongShare([], 1, 0.3)).toThrow(/at least one sample/);
  });
});
