import { loadConfig } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { bundledLabeledSetPath, readLabeledSet, type LabeledExample } from '../labeled-set.ts';
import { seededRandom } from '../seeded-random.ts';
import { evaluateLabeledSet } from './evaluate-labeled-set.ts';

const config = loadConfig();

describe('evaluateLabeledSet', () => {
  it('never lets a model see the prompt it is tested on', async () => {
    // Random strings with random labels: memorising them is the only way to score, so a model
    // that saw its test prompts would be near 100%; held out it is near chance (1/3).
    const random = seededRandom(7);
    const tiers = ['simple', 'medium', 'complex'];
    const noise: LabeledExample[] = Array.from({ length: 90 }, () => ({
      prompt: Array.from({ length: 6 }, () => Math.floor(random() * 1e9).toString(36)).join(' '),
      tier: tiers[Math.floor(random() * 3)] as string,
    }));
    const heldOut = await evaluateLabeledSet(config, noise, { candidates: [{ name: 'trained', strategies: ['trained'] }] });
    const seen = await evaluateLabeledSet(config, noise, { candidates: [{ name: 'trained', strategies: ['trained'] }], trainingSet: noise });
    expect(heldOut.method).toBe('cross-validation');
    expect(heldOut.results[0]?.metrics.accuracy).toBeLessThan(0.55);
    expect(seen.method).toBe('holdout');
    expect(seen.results[0]?.metrics.accuracy).toBeGreaterThan(0.9);
  });

  it('meets the targets on the bundled labeled set: the default chain at least 85% accurate, under-routing at most 3%', async () => {
    const examples = readLabeledSet(bundledLabeledSetPath);
    const evaluation = await evaluateLabeledSet(config, examples, {
      candidates: [
        { name: 'chain', strategies: config.classifier.strategies },
        { name: 'trained', strategies: ['trained'] },
      ],
    });
    expect(evaluation).toMatchObject({ examples: examples.length, folds: 5 });
    for (const result of evaluation.results) {
      expect(result.metrics.accuracy, result.name).toBeGreaterThanOrEqual(0.85);
      expect(result.metrics.underRoutingRate, result.name).toBeLessThanOrEqual(0.03);
      expect(Object.keys(result.accuracyByCategory).sort()).toEqual(['chitchat', 'code', 'creative', 'factual', 'legal', 'reasoning']);
    }
  });
});
