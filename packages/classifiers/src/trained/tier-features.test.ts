import { loadConfig } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { defaultFeatureOptions } from '../embedding/text-features.ts';
import { demandSlots } from './demand-signals.ts';
import { createTierFeaturizer, signalSlots } from './tier-features.ts';

const config = loadConfig();
const features = { ...defaultFeatureOptions, dimensions: 1024 };

describe('createTierFeaturizer', () => {
  it('puts the signals in their own slots after the hashed buckets', () => {
    const plain = createTierFeaturizer(config, features, []);
    expect(plain.dimensions).toBe(1024);
    const combined = createTierFeaturizer(config, features, ['rules', 'keywords', 'demands']);
    expect(combined.dimensions).toBe(1024 + 2 * signalSlots(3) + demandSlots);
    const prompt = 'Prove that there are infinitely many primes, then compare two proofs.';
    const vector = combined.featurize(prompt);
    const text = plain.featurize(prompt);
    expect([...vector.indices].slice(0, text.indices.length)).toEqual([...text.indices]);
    const extra = [...vector.indices].slice(text.indices.length);
    expect(extra.length).toBeGreaterThan(2);
    expect(extra.every((index) => index >= 1024 && index < combined.dimensions)).toBe(true);
  });

  it('never fails on empty, huge, binary or any-script input', () => {
    const combined = createTierFeaturizer(config, features, ['rules', 'keywords', 'demands']);
    for (const prompt of ['', 'x'.repeat(1_000_000), '\u0000\uffff\ud800', 'مرحبا 你好 こんにちは 🙂'])
      expect(combined.featurize(prompt).indices.length).toBeGreaterThanOrEqual(0);
  });
});
