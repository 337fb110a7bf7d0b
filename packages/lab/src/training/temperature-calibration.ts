import { normalizeLogits } from '@switchyard/classifiers';

export interface TemperatureCalibration {
  /** Logits are divided by this before the softmax. */
  temperature: number;
  /** Expected calibration error of the held-out predictions at that temperature. */
  ece: number;
  /** Per confidence bin (0-0.1, ..., 0.9-1): predictions, mean confidence and accuracy; the reliability diagram. */
  reliability: { from: number; to: number; predictions: number; confidence: number; accuracy: number }[];
}

const eceBins = 10;
// Temperatures from 0.05 to 20 on a log grid of 2% steps: finer than the noise of a few hundred examples.
const grid = Array.from({ length: 304 }, (_, step) => 0.05 * 1.02 ** step);

/**
 * Temperature scaling (Guo et al., 2017): the one number that makes held-out predictions'
 * confidences match their accuracy best, by negative log-likelihood. It never changes which tier
 * wins, only how sure the model says it is, so the chain's confidence threshold and the default
 * tier act on probabilities that mean what they say.
 */
export function calibrateTemperature(
  logits: readonly Float64Array[],
  labels: readonly number[],
): TemperatureCalibration {
  let best = { temperature: 1, loss: Number.POSITIVE_INFINITY };
  for (const temperature of grid) {
    const loss = negativeLogLikelihood(logits, labels, temperature);
    if (loss < best.loss) best = { temperature, loss };
  }
  const { ece, reliability } = calibrationError(logits, labels, best.temperature);
  return { temperature: best.temperature, ece, reliability };
}

function probabilities(row: Float64Array, temperature: number): Float64Array {
  const scaled = row.map((value) => value / temperature);
  normalizeLogits(scaled, scaled.length);
  return scaled;
}

function negativeLogLikelihood(
  logits: readonly Float64Array[],
  labels: readonly number[],
  temperature: number,
): number {
  let total = 0;
  logits.forEach((row, index) => {
    total -= Math.log(Math.max(1e-12, probabilities(row, temperature)[labels[index] as number] as number));
  });
  return total / Math.max(1, logits.length);
}

/** ECE: the prediction-weighted mean gap between confidence and accuracy over 10 equal-width bins. */
export function calibrationError(
  logits: readonly Float64Array[],
  labels: readonly number[],
  temperature: number,
): Pick<TemperatureCalibration, 'ece' | 'reliability'> {
  const bins = Array.from({ length: eceBins }, (_, bin) => ({
    from: bin / eceBins,
    to: (bin + 1) / eceBins,
    n: 0,
    confidence: 0,
    correct: 0,
  }));
  logits.forEach((row, index) => {
    const probability = probabilities(row, temperature);
    let top = 0;
    for (let k = 1; k < probability.length; k += 1)
      if ((probability[k] as number) > (probability[top] as number)) top = k;
    const confidence = probability[top] as number;
    const bin = bins[Math.min(eceBins - 1, Math.floor(confidence * eceBins))] as (typeof bins)[number];
    bin.n += 1;
    bin.confidence += confidence;
    if (top === labels[index]) bin.correct += 1;
  });
  const total = Math.max(1, logits.length);
  let ece = 0;
  const reliability = bins
    .filter((bin) => bin.n > 0)
    .map((bin) => {
      ece += (bin.n / total) * Math.abs(bin.confidence / bin.n - bin.correct / bin.n);
      return {
        from: bin.from,
        to: bin.to,
        predictions: bin.n,
        confidence: bin.confidence / bin.n,
        accuracy: bin.correct / bin.n,
      };
    });
  return { ece, reliability };
}
