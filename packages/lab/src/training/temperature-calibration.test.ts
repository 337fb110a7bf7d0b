import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.ts';
import { calibrationError, calibrateTemperature } from './temperature-calibration.ts';

describe('calibrateTemperature', () => {
  it('softens an overconfident model until its confidence matches its accuracy', () => {
    // Two classes; the right class has logit +1 with 70% chance, else the wrong one does; all
    // logits then blown up tenfold.
    const random = seededRandom(3);
    const labels: number[] = [];
    const logits = Array.from({ length: 2000 }, () => {
      const label = random() < 0.5 ? 0 : 1;
      labels.push(label);
      const winner = random() < 0.7 ? label : 1 - label;
      return Float64Array.from([winner === 0 ? 10 : 0, winner === 1 ? 10 : 0]);
    });
    const before = calibrationError(logits, labels, 1);
    const calibrated = calibrateTemperature(logits, labels);
    expect(before.ece).toBeGreaterThan(0.25);
    expect(calibrated.temperature).toBeGreaterThan(5);
    expect(calibrated.ece).toBeLessThan(0.05);
    expect(calibrated.reliability.reduce((sum, bin) => sum + bin.predictions, 0)).toBe(2000);
  });
});
