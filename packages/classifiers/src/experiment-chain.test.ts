import {
  ConfigError,
  assignExperiment,
  loadConfig,
  parseConfig,
  type ChatRequest,
  type ExperimentConfig,
  type ExperimentSubject,
} from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { createClassifierChain } from './classifier-chain.ts';

const defaultConfig = loadConfig();
const withExperiments = (experiments: ExperimentConfig[]) =>
  parseConfig({
    ...defaultConfig,
    classifier: { ...defaultConfig.classifier, strategies: ['rules', 'keywords'] },
    experiments,
  });
const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content }],
  ...extra,
});
const complexPrompt = 'Prove that there are infinitely many primes, step by step, with a rigorous argument.';

/** A request id of each arm of the experiment (sticky per request). */
function subjects(experiments: ExperimentConfig[]): { variant: ExperimentSubject; control: ExperimentSubject } {
  const found: Partial<Record<'variant' | 'control', ExperimentSubject>> = {};
  for (let index = 0; found.variant === undefined || found.control === undefined; index += 1) {
    const subject = { keyId: 'team', requestId: `req-${index}` };
    const arm = assignExperiment(experiments, subject)?.arm;
    if (arm !== undefined) found[arm] ??= subject;
  }
  return { variant: found.variant, control: found.control };
}

describe('a chain with an experiment', () => {
  const cheapestFirst: ExperimentConfig = {
    name: 'cheap-start',
    share: 0.5,
    sticky: 'request',
    variant: { cascadeMode: 'cheapest-first' },
  };
  const config = withExperiments([cheapestFirst]);
  const chain = createClassifierChain(config);
  const { variant, control } = subjects(config.experiments);

  it('starts a complex prompt of the variant on the cheapest tier, of the control where classified', async () => {
    const inVariant = await chain.classify(ask(complexPrompt), variant);
    const inControl = await chain.classify(ask(complexPrompt), control);
    expect(inControl).toMatchObject({ tier: 'complex', experiment: { name: 'cheap-start', arm: 'control' } });
    expect(inControl.strategy).not.toBe('cheapest-first');
    expect(inVariant).toMatchObject({
      tier: 'simple',
      strategy: 'cheapest-first',
      experiment: { name: 'cheap-start', arm: 'variant' },
    });
  });

  it('names no experiment without a subject (dry runs and explanations show the configuration as it is)', async () => {
    const decision = await chain.classify(ask(complexPrompt));
    expect(decision.experiment).toBeUndefined();
    expect(decision.tier).toBe('complex');
    const explained = await chain.explain(ask(complexPrompt));
    expect(explained.decision.experiment).toBeUndefined();
    expect(explained.decision.tier).toBe('complex');
  });

  it('gives a forced request its arm, and the forced tier wins in both', async () => {
    for (const subject of [variant, control]) {
      const decision = await chain.classify(ask(complexPrompt, { force_tier: 'medium' }), subject);
      expect(decision.tier).toBe('medium');
      expect(decision.experiment?.arm).toBe(subject === variant ? 'variant' : 'control');
    }
  });

  it('runs a variant with classifier settings of its own on strategies built from them', async () => {
    const experiments: ExperimentConfig[] = [
      {
        name: 'unsure-goes-up',
        share: 0.5,
        sticky: 'request',
        // No verdict is ever confident enough: every request falls back to the default tier.
        variant: { classifier: { strategies: ['rules'], confidenceThreshold: 1, defaultTier: 'complex' } },
      },
    ];
    const own = createClassifierChain(withExperiments(experiments));
    await own.ready();
    const arms = subjects(experiments);
    const greeting = ask('hi there');
    expect(await own.classify(greeting, arms.control)).toMatchObject({ tier: 'simple' });
    const decided = await own.classify(greeting, arms.variant);
    expect(decided).toMatchObject({ tier: 'complex', strategy: 'default' });
    expect(decided.chain.map((verdict) => verdict.strategy)).toEqual(['rules']);
  });

  it('names the experiment when its variant classifier cannot start', () => {
    const config = withExperiments([
      { name: 'learned', share: 0.1, sticky: 'key', variant: { classifier: { strategies: ['trained'] } } },
    ]);
    config.classifier.trained = {};
    let error: unknown;
    try {
      createClassifierChain(config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('experiment "learned"');
    expect((error as ConfigError).issues[0]).toMatch(
      /^experiments\[0\]\.variant: classifier\.trained\.modelPath: required/,
    );
  });
});
