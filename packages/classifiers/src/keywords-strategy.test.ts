import { loadConfig, type StrategyVerdict } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { createKeywordsStrategy } from './keywords-strategy.ts';
import { configWithTiers } from '@switchyard/testkit';

const config = loadConfig();
const strategy = createKeywordsStrategy(config);
const classify = (prompt: string) => strategy.classify(prompt) as StrategyVerdict;

describe('createKeywordsStrategy', () => {
  it('routes by expert keyword overlap', () => {
    expect(classify('Why does my Python function throw a KeyError exception?').route).toBe('code');
    expect(classify('Is the indemnification clause in this contract enforceable against the landlord?').route).toBe(
      'legal',
    );
    expect(classify('Write a sonnet with a twist in the plot').route).toBe('creative');
  });

  it('falls back to the general route when no expert keyword matches', () => {
    const verdict = classify('What should I cook for dinner tonight?');
    expect(verdict.route).toBe('general');
    expect(verdict.scores['route:general']).toBe(1);
  });

  it('does not pick an expert when two tie', () => {
    expect(classify('a poem about a lawsuit').route).toBe('general');
  });

  it('reports per-tier scores keyed by tier name and per-route scores keyed route:<name>', () => {
    const verdict = classify('Refactor this TypeScript class and add a unit test');
    expect(Object.keys(verdict.scores).sort()).toEqual(
      ['complex', 'medium', 'simple', 'route:code', 'route:creative', 'route:general', 'route:legal'].sort(),
    );
    expect(verdict.scores['route:code']).toBeGreaterThan(0.8);
    expect(verdict.confidence).toBeGreaterThan(0);
    expect(verdict.confidence).toBeLessThanOrEqual(1);
  });

  it('decides the tier from marker terms', () => {
    expect(classify('Hello! Thanks again.').tier).toBe('simple');
    expect(classify('Define a tort, in one sentence.').tier).toBe('simple');
    expect(classify('Prove the bound, then derive the constant.').tier).toBe('complex');
    expect(classify('Do a security review and threat model of our login service.').tier).toBe('complex');
    expect(classify('Discuss the trade-offs of this architecture.').tier).toBe('complex');
  });

  it('leans a clearly matched expert route toward the middle tier when there are no markers', () => {
    const verdict = classify('python regex for json keys');
    expect(verdict).toMatchObject({ route: 'code', tier: 'medium' });
    expect(verdict.unsure).toBeUndefined();
  });

  it('is unsure when nothing matches', () => {
    const verdict = classify('blue green purple');
    expect(verdict.unsure).toBe('no keyword or tier marker matched');
    expect(verdict.confidence).toBeLessThan(config.classifier.confidenceThreshold);
  });

  it('uses the configured tier names', () => {
    const custom = createKeywordsStrategy(configWithTiers(['cheap', 'mid', 'premium', 'ultra']));
    const hard = custom.classify('Prove it rigorously and derive the bound.') as StrategyVerdict;
    expect(hard.tier).toBe('ultra');
    expect(Object.keys(hard.scores).filter((key) => !key.startsWith('route:'))).toEqual([
      'cheap',
      'mid',
      'premium',
      'ultra',
    ]);
    expect((custom.classify('hi, thanks') as StrategyVerdict).tier).toBe('cheap');
  });
});
