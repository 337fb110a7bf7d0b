import { ConfigError, loadConfig, type StrategyVerdict } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { stratifiedFolds } from '../evaluation/folds.ts';
import { bundledLabeledSetPath, readLabeledSet } from '@switchyard/classifiers';
import { configWithTiers } from '@switchyard/testkit';
import { createTrainedStrategy } from '@switchyard/classifiers';
import { parseTierModel } from '@switchyard/classifiers';
import { trainTierModel } from './train-tier-model.ts';

const config = loadConfig();
const model = parseTierModel(
  trainTierModel(readLabeledSet(bundledLabeledSetPath), { tiers: ['simple', 'medium', 'complex'], strongShare: 0.3 }),
  'test model',
);
const strategy = createTrainedStrategy(config, model);
const classify = (prompt: string) => strategy.classify(prompt) as StrategyVerdict;

describe('createTrainedStrategy', () => {
  it('predicts tiers of prompts it was not trained on', () => {
    expect(classify('Hi! How has your week been?').tier).toBe('simple');
    expect(classify('Write a limerick about a cat who loves lasagna.').tier).toBe('medium');
    expect(
      classify('Prove that every finite integral domain is a field, and derive the consequences for Z/pZ.').tier,
    ).toBe('complex');
  });

  it('reports calibrated probabilities per tier as scores and the top one as confidence', () => {
    const verdict = classify('Explain how a bill becomes law in the United States.');
    const total = ['simple', 'medium', 'complex'].reduce((sum, tier) => sum + (verdict.scores[tier] ?? 0), 0);
    expect(total).toBeCloseTo(1, 3);
    expect(verdict.confidence).toBe(Math.max(...Object.values(verdict.scores)));
    expect(verdict.route).toBe('general');
  });

  it('sends about the calibrated share of unseen prompts to the strong tier', () => {
    // Stratified, so the unseen third has the same mix of tiers as the training data: the
    // calibrated share holds for traffic like the training data, not for any mix.
    const examples = readLabeledSet(bundledLabeledSetPath);
    const folds = stratifiedFolds(
      examples.map((example) => example.tier),
      3,
    );
    const training = examples.filter((_, index) => folds[index] !== 0);
    const unseen = examples.filter((_, index) => folds[index] === 0);
    const shareAt = (strongShare: number) => {
      const trained = createTrainedStrategy(
        config,
        parseTierModel(trainTierModel(training, { tiers: ['simple', 'medium', 'complex'], strongShare }), 'model'),
      );
      return (
        unseen.filter((example) => (trained.classify(example.prompt) as StrategyVerdict).tier === 'complex').length /
        unseen.length
      );
    };
    const [low, high] = [shareAt(0.2), shareAt(0.5)];
    expect(low).toBeGreaterThan(0.1);
    expect(low).toBeLessThan(0.3);
    // 123 unseen prompts: one prompt is 0.8 points, so the bounds leave room for sampling noise.
    expect(high).toBeGreaterThan(0.35);
    expect(high).toBeLessThan(0.65);
  });

  it('stops start-up when the model was trained for other tiers', () => {
    const other = configWithTiers(['cheap', 'mid', 'premium']);
    expect(() => createTrainedStrategy(other, model, 'tier model m.json')).toThrow(ConfigError);
    expect(() => createTrainedStrategy(other, model, 'tier model m.json')).toThrow(
      /m\.json was trained for the tiers simple, medium, complex, but the config has cheap, mid, premium/,
    );
  });

  it('classifies empty, emoji, non-Latin, mixed-language and 1 MB prompts without throwing', () => {
    for (const prompt of [
      '',
      '🎉🔥👍',
      '你好，今天天气怎么样？',
      'مرحبا، ما هي عاصمة مصر؟',
      'Bonjour! 请 explain this 関数 🙂',
      'lorem ipsum '.repeat(90_000),
    ]) {
      const verdict = classify(prompt);
      expect(['simple', 'medium', 'complex']).toContain(verdict.tier);
      expect(Number.isFinite(verdict.confidence)).toBe(true);
    }
  });
});
