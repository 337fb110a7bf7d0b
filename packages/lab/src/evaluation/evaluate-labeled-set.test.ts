import { loadConfig } from '@switchyard/core';
import { createOpenAIAdapter } from '@switchyard/providers';
import { describe, expect, it } from 'vitest';
import { bundledLabeledSetPath, readLabeledSet, type LabeledExample } from '@switchyard/classifiers';
import { seededRandom } from '../seeded-random.ts';
import { startTestServer } from '@switchyard/testkit';
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
    const candidates = [
      { name: 'trained', strategies: ['trained' as const] },
      { name: 'centroid', strategies: ['centroid' as const] },
    ];
    const heldOut = await evaluateLabeledSet(config, noise, { candidates });
    const seen = await evaluateLabeledSet(config, noise, { candidates, trainingSet: noise });
    expect(heldOut.method).toBe('cross-validation');
    expect(seen.method).toBe('holdout');
    for (const index of [0, 1]) {
      const name = candidates[index]?.name;
      expect(heldOut.results[index]?.metrics.accuracy, name).toBeLessThan(0.55);
      expect(seen.results[index]?.metrics.accuracy, name).toBeGreaterThan(0.9);
    }
  });

  it("reports every candidate's counters summed over folds, and shares the llm's verdicts between them", async () => {
    // A local OpenAI-compatible server behind the real OpenAI adapter: a valid answer, an answer
    // that is not JSON, or an HTTP 500, depending on the prompt.
    const server = await startTestServer((call) => {
      const prompt = JSON.stringify(call.body);
      if (prompt.includes('fails')) return { status: 500, body: { error: { message: 'overloaded' } } };
      const content = prompt.includes('rambles')
        ? 'It is hard to say.'
        : '{"tier": "simple", "confidence": 0.9, "reason": "short"}';
      return {
        body: {
          id: 'c',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 5 },
        },
      };
    });
    try {
      const adapter = createOpenAIAdapter({
        name: 'local',
        apiKey: 'test-key',
        baseURL: server.baseURL,
        timeoutMs: 5_000,
        stream: false,
      });
      const examples: LabeledExample[] = ['hi', 'hello', 'this rambles', 'it rambles', 'this fails', 'it fails'].map(
        (prompt, index) => ({ prompt, tier: index % 2 === 0 ? 'simple' : 'medium' }),
      );
      const evaluation = await evaluateLabeledSet(config, examples, {
        candidates: [
          { name: 'llm', strategies: ['llm'] },
          { name: 'rules', strategies: ['rules'] },
          { name: 'llm again', strategies: ['llm'] },
        ],
        folds: 2,
        llm: { adapter, model: 'tiny-router', simulated: false },
      });
      expect(evaluation.results.map((result) => result.counters)).toEqual([
        {
          llm: {
            calls: 6,
            answered: 2,
            invalid: 2,
            failed: 2,
            unavailable: 0,
            breakerOpen: 0,
            defaultedConfidence: 0,
            cacheHits: 0,
            cacheMisses: 6,
          },
        },
        {},
        // The valid verdicts come from the cache; failed calls and invalid answers are asked again.
        {
          llm: {
            calls: 4,
            answered: 0,
            invalid: 2,
            failed: 2,
            unavailable: 0,
            breakerOpen: 0,
            defaultedConfidence: 0,
            cacheHits: 2,
            cacheMisses: 4,
          },
        },
      ]);
      expect(server.calls).toHaveLength(10);
    } finally {
      await server.close();
    }
  });

  it('on the bundled labeled set, the default chain is at least 85% accurate and under-routes at most 3%', async () => {
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
      expect(Object.keys(result.accuracyByCategory).sort()).toEqual([
        'chitchat',
        'code',
        'creative',
        'factual',
        'legal',
        'reasoning',
      ]);
    }
  });
});
