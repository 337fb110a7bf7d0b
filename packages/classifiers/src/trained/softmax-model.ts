import type { SparseVector } from '../embedding/text-features.ts';

/**
 * Multinomial logistic regression over sparse features: one weight per (feature bucket, class)
 * plus a bias per class. Weights are stored feature-major (`weights[bucket * classes + class]`)
 * so scoring a prompt touches one short run of memory per feature.
 */
export interface SoftmaxModel {
  classes: number;
  dimensions: number;
  weights: Float32Array;
  bias: Float64Array;
}

/** Raw class scores (log-odds up to a constant) of one sample. */
export function logitsInto(model: SoftmaxModel, sample: SparseVector, out: Float64Array): Float64Array {
  const { classes, weights } = model;
  for (let k = 0; k < classes; k += 1) out[k] = model.bias[k] as number;
  for (let position = 0; position < sample.indices.length; position += 1) {
    const base = (sample.indices[position] as number) * classes;
    const value = sample.values[position] as number;
    for (let k = 0; k < classes; k += 1) out[k] = (out[k] as number) + value * (weights[base + k] as number);
  }
  return out;
}

/**
 * Class probabilities into `out`; `offsets` (per class) shift the logits first and `temperature`
 * divides them (calibration: above 1 softens an overconfident model).
 */
export function softmaxInto(
  model: SoftmaxModel,
  sample: SparseVector,
  out: Float64Array,
  offsets?: Float64Array,
  temperature = 1,
): Float64Array {
  logitsInto(model, sample, out);
  for (let k = 0; k < model.classes; k += 1)
    out[k] = ((out[k] as number) + (offsets === undefined ? 0 : (offsets[k] as number))) / temperature;
  normalizeLogits(out, model.classes);
  return out;
}

/** In place: logits to probabilities, shifted by the maximum so `exp` cannot overflow. */
export function normalizeLogits(values: Float64Array, classes: number): void {
  let top = -Infinity;
  for (let k = 0; k < classes; k += 1) top = Math.max(top, values[k] as number);
  let total = 0;
  for (let k = 0; k < classes; k += 1) {
    values[k] = Math.exp((values[k] as number) - top);
    total += values[k] as number;
  }
  for (let k = 0; k < classes; k += 1) values[k] = (values[k] as number) / total;
}
