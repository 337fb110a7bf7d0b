import { loadConfig, parseConfig, type ChatRequest, type RoutingDecision } from '@switchyard/core';
import { createOpenAIAdapter } from '@switchyard/providers';
import { fixedStrategy as fixed, startTestServer } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { createClassifierChain } from './classifier-chain.ts';

const defaultConfig = loadConfig();
// Chain mechanics on the hand-written strategies, whose verdicts do not move when the shipped model is retrained.
const config = parseConfig({
  ...defaultConfig,
  classifier: { ...defaultConfig.classifier, strategies: ['rules', 'keywords'] },
});
const ask = (content: string): ChatRequest => ({ messages: [{ role: 'user', content }] });

describe('createClassifierChain explain, ready and counters', () => {
  it('explains with the decision classify gives plus every strategy, marking those classify skipped', async () => {
    const rules = fixed('rules', { tier: 'complex', route: 'legal', scores: { simple: 0, medium: 0.1, complex: 0.9 } });
    const llm = { ...fixed('llm', { tier: 'simple' }), counters: { calls: 3, invalid: 1 } };
    const explained = createClassifierChain(config, { strategies: [rules, llm] });
    const explanation = await explained.explain(ask('anything'));
    // Timings differ from run to run; everything else is the same decision.
    const untimed = ({ durationUs: _total, chain, ...rest }: RoutingDecision) => ({
      ...rest,
      chain: chain.map(({ durationUs: _each, ...verdict }) => verdict),
    });
    const decision = await explained.classify(ask('anything'));
    expect(decision.chain.every((verdict) => (verdict.durationUs ?? -1) >= 0)).toBe(true);
    expect(untimed(explanation.decision)).toEqual(untimed(decision));
    expect(explanation.strategies.map((verdict) => [verdict.strategy, verdict.inChain, verdict.tier])).toEqual([
      ['rules', true, 'complex'],
      ['llm', false, 'simple'],
    ]);
    expect(explanation.strategies.every((verdict) => verdict.durationUs >= 0)).toBe(true);
    expect(explanation.counters).toEqual({ llm: { calls: 3, invalid: 1 } });
    expect(explained.counters()).toEqual({ llm: { calls: 3, invalid: 1 } });
  });

  it('explains without paying for a model call the chain would not make: the llm is reported skipped', async () => {
    // The real llm strategy and OpenAI adapter against a local server that counts the calls.
    const server = await startTestServer(() => ({
      body: {
        id: 'c',
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: '{"tier": "complex", "confidence": 0.9, "reason": "open-ended"}' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 5 },
      },
    }));
    try {
      const withLlm = parseConfig({
        ...config,
        classifier: { ...config.classifier, strategies: ['rules', 'keywords', 'llm'] },
      });
      const adapter = createOpenAIAdapter({
        name: 'local',
        apiKey: 'test-key',
        baseURL: server.baseURL,
        timeoutMs: 5_000,
        stream: false,
      });
      const explained = createClassifierChain(withLlm, { llm: { adapter, model: 'tiny-router', simulated: false } });

      const decided = await explained.explain(ask('Prove that there are infinitely many primes.'));
      expect(decided.decision).toMatchObject({ tier: 'complex', strategy: 'rules' });
      expect(server.calls).toHaveLength(0);
      expect(decided.strategies.map((verdict) => [verdict.strategy, verdict.inChain, verdict.skipped])).toEqual([
        ['rules', true, false],
        ['keywords', true, false],
        ['llm', false, true],
      ]);
      expect(decided.strategies[2]).toMatchObject({
        confidence: 0,
        scores: {},
        durationUs: 0,
        unsure: expect.stringMatching(/^skipped: /),
      });
      expect(decided.counters).toEqual({
        llm: {
          calls: 0,
          answered: 0,
          invalid: 0,
          failed: 0,
          unavailable: 0,
          breakerOpen: 0,
          defaultedConfidence: 0,
          cacheHits: 0,
          cacheMisses: 0,
        },
      });

      // Where the chain itself asks the model, the explanation shows that one call.
      const fellThrough = await explained.explain(
        ask('The quarterly numbers came in and the team would like your view on them tomorrow.'),
      );
      expect(fellThrough.decision).toMatchObject({ tier: 'complex', strategy: 'llm' });
      expect(fellThrough.strategies[2]).toMatchObject({ strategy: 'llm', inChain: true, skipped: false });
      expect(server.calls).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('ready() waits for every strategy to prepare and rejects with the first failure', async () => {
    const prepared: string[] = [];
    const slow = { ...fixed('centroid', {}), prepare: async () => void prepared.push('centroid') };
    await createClassifierChain(config, { strategies: [fixed('rules', {}), slow] }).ready();
    expect(prepared).toEqual(['centroid']);
    const failing = { ...fixed('centroid', {}), prepare: () => Promise.reject(new Error('embedder down')) };
    await expect(createClassifierChain(config, { strategies: [failing] }).ready()).rejects.toThrow('embedder down');
  });
});
