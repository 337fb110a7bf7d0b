import { loadConfig, type StrategyVerdict } from '@switchyard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createCentroidStrategy } from './centroid-strategy.ts';
import { createHashingEmbedder } from './embedding/hashing-embedder.ts';
import { createOpenAIEmbedder } from './embedding/openai-embedder.ts';
import { bundledLabeledSetPath, readLabeledSet } from './labeled-set.ts';
import { startTestServer, type TestServer } from '@switchyard/testkit';
import { configWithTiers } from '@switchyard/testkit';

const config = loadConfig();
const examples = readLabeledSet(bundledLabeledSetPath);
const strategy = createCentroidStrategy(config, { embedder: createHashingEmbedder(), examples });
const classify = (prompt: string) => strategy.classify(prompt) as StrategyVerdict;

describe('createCentroidStrategy with the hashing embedder', () => {
  it('answers synchronously, with the centroids built at construction', () => {
    expect(strategy.classify('hello')).not.toBeInstanceOf(Promise);
  });

  it('puts prompts near the examples of their tier', () => {
    expect(classify('Hey there, how is it going?').tier).toBe('simple');
    expect(classify('What is the capital of Portugal?').tier).toBe('simple');
    expect(classify('Write a short poem about the sea at night.').tier).toBe('medium');
    const hard = classify(
      'Design a multi-region event-sourced payment ledger with exactly-once settlement, and analyze the failure ' +
        'modes, consistency trade-offs and the migration plan from our current monolith.',
    );
    expect(hard.tier).toBe('complex');
    expect(hard.unsure).toBeUndefined();
  });

  it('reports tier shares summing to 1 and route scores, and names a route close to its examples', () => {
    const verdict = classify('Is the non-compete clause in my employment contract enforceable?');
    const tierTotal = ['simple', 'medium', 'complex'].reduce((sum, tier) => sum + (verdict.scores[tier] ?? 0), 0);
    expect(tierTotal).toBeCloseTo(1, 3);
    expect(verdict.route).toBe('legal');
    expect(
      Object.keys(verdict.scores)
        .filter((key) => key.startsWith('route:'))
        .sort(),
    ).toEqual(['route:code', 'route:creative', 'route:general', 'route:legal']);
  });

  it('classifies empty, emoji, non-Latin, mixed-language and 1 MB prompts without throwing', () => {
    for (const prompt of [
      '',
      '🎉🔥👍',
      '你好，今天天气怎么样？',
      'مرحبا، كيف حالك؟',
      'Bonjour! 请 explain this 関数',
      'z'.repeat(1_048_576),
    ]) {
      const verdict = classify(prompt);
      expect(['simple', 'medium', 'complex']).toContain(verdict.tier);
      expect(verdict.confidence).toBeGreaterThanOrEqual(0);
      expect(verdict.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('uses the configured tier names and refuses a ladder the examples do not cover', () => {
    const custom = configWithTiers(['cheap', 'mid', 'premium']);
    const renamed = examples.map((example) => ({
      ...example,
      tier: { simple: 'cheap', medium: 'mid', complex: 'premium' }[example.tier] ?? example.tier,
    }));
    expect(
      (
        createCentroidStrategy(custom, { embedder: createHashingEmbedder(), examples: renamed }).classify(
          'hi there!',
        ) as StrategyVerdict
      ).tier,
    ).toBe('cheap');
    expect(() => createCentroidStrategy(custom, { embedder: createHashingEmbedder(), examples })).toThrow(
      /no labeled example for tier\(s\) cheap, mid, premium/,
    );
  });
});

describe('createCentroidStrategy with a remote embedder', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const few = [
    { prompt: 'hi', tier: 'simple' },
    { prompt: 'write an essay', tier: 'medium' },
    { prompt: 'prove the theorem rigorously', tier: 'complex' },
  ];

  it('embeds the examples once at start-up, then one prompt per request; unsure far from every example', async () => {
    // A toy embedding that tells short prompts from long ones; "zzz" is orthogonal to everything.
    server = await startTestServer((call) => {
      const { input } = call.body as { input: string[] };
      const embed = (text: string) =>
        text === 'zzz'
          ? [0, 0, 0, 1]
          : [Math.min(text.length, 30) / 30, text.length < 5 ? 1 : 0, text.length > 20 ? 1 : 0, 0];
      return { body: { data: input.map((text, index) => ({ index, embedding: embed(text) })) } };
    });
    const remote = createCentroidStrategy(config, {
      embedder: createOpenAIEmbedder({ baseURL: server.baseURL, model: 'm' }),
      examples: few,
    });
    await remote.prepare();
    const inputsAtStart = server.calls.reduce((sum, call) => sum + (call.body as { input: string[] }).input.length, 0);
    expect(inputsAtStart).toBe(few.length + config.routes.reduce((sum, route) => sum + route.examples.length, 0));
    expect((await remote.classify('yo')).tier).toBe('simple');
    expect((await remote.classify('show that every bounded monotone sequence converges')).tier).toBe('complex');
    expect((await remote.classify('zzz')).unsure).toBe('unlike every example (best cosine 0 < 0.05)');
    expect(server.calls).toHaveLength(4);
  });

  it('reports a failing embedder as an unsure verdict; prepare() rejects so start-up can stop', async () => {
    server = await startTestServer(() => ({ status: 503, body: { error: { message: 'loading model' } } }));
    const remote = createCentroidStrategy(config, {
      embedder: createOpenAIEmbedder({ baseURL: server.baseURL, model: 'm' }),
      examples: few,
    });
    await expect(remote.prepare()).rejects.toThrow(/HTTP 503/);
    const verdict = await remote.classify('hello');
    expect(verdict.unsure).toMatch(/^embedder openai:m failed: .*not available yet/);
    expect(verdict.confidence).toBe(0);
  });
});
