import { loadConfig, parseConfig, type SwitchyardConfig } from '@switchyard/core';
import { createOpenAIAdapter } from '@switchyard/providers';
import { startTestServer, type TestServer } from '@switchyard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLlmStrategy, type LlmVerdict } from './llm-strategy.ts';
import { VerdictCache } from './verdict-cache.ts';

const config = loadConfig();

describe('the llm strategy’s verdict cache', () => {
  let server: TestServer;
  /** Answers complex to prompts that say "prove", simple to the rest; slow enough for calls to overlap. */
  beforeEach(async () => {
    server = await startTestServer((call) => {
      const user = (call.body as { messages: { content: string }[] }).messages[1]?.content ?? '';
      const tier = user.includes('prove') ? 'complex' : 'simple';
      const content = JSON.stringify({ tier, route: 'general', confidence: 0.9 });
      return {
        body: { choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] },
        delayMs: 50,
      };
    });
  });
  afterEach(() => server.close());

  const model = () => ({
    adapter: createOpenAIAdapter({
      name: 'openai',
      apiKey: undefined,
      baseURL: server.baseURL,
      timeoutMs: 5_000,
      stream: false,
    }),
    model: 'tiny-router',
    simulated: false,
  });
  const withLlm = (llm: Record<string, unknown>, base: SwitchyardConfig = config) =>
    parseConfig({ ...base, classifier: { ...base.classifier, llm } });

  it('answers a repeated prompt, also one differing only in whitespace, without a second call', async () => {
    const strategy = createLlmStrategy(config, model());
    const first = await strategy.classify('Please prove that sqrt(2) is irrational.');
    const again = await strategy.classify('  Please prove that\n sqrt(2)   is irrational.\n');
    const other = await strategy.classify('What is the capital of France?');
    expect(again).toEqual(first);
    expect([first.tier, other.tier]).toEqual(['complex', 'simple']);
    expect(server.calls).toHaveLength(2);
    expect(strategy.counters).toMatchObject({ calls: 2, answered: 2, cacheHits: 1, cacheMisses: 2 });
  });

  it('makes one call for the same prompt asked several times at once', async () => {
    const strategy = createLlmStrategy(config, model());
    const verdicts = await Promise.all(Array.from({ length: 5 }, () => strategy.classify('prove it')));
    expect(new Set(verdicts.map((verdict) => verdict.tier))).toEqual(new Set(['complex']));
    expect(server.calls).toHaveLength(1);
    expect(strategy.counters).toMatchObject({ calls: 1, cacheHits: 4, cacheMisses: 1 });
  });

  it('keys on the policy prompt and the model too, so a shared cache never mixes configs', async () => {
    const cache = new VerdictCache<LlmVerdict>({ maxEntries: 100, ttlMs: 60_000 });
    const described = parseConfig({
      ...config,
      tiers: config.tiers.map((tier) => ({ ...tier, description: `${tier.description ?? ''} Also: poems.` })),
    });
    const one = createLlmStrategy(config, model(), { cache });
    const sameConfig = createLlmStrategy(config, model(), { cache });
    const otherPolicy = createLlmStrategy(described, model(), { cache });
    const otherModel = createLlmStrategy(config, { ...model(), model: 'other-router' }, { cache });
    for (const strategy of [one, sameConfig, otherPolicy, otherModel]) await strategy.classify('prove it');
    expect(server.calls).toHaveLength(3);
    expect(sameConfig.counters.cacheHits).toBe(1);
    expect([otherPolicy.counters.cacheHits, otherModel.counters.cacheHits]).toEqual([0, 0]);
  });

  it('asks again once a verdict is older than the time to live', async () => {
    let now = 0;
    const cache = new VerdictCache<LlmVerdict>({ maxEntries: 100, ttlMs: 1_000, now: () => now });
    const strategy = createLlmStrategy(config, model(), { cache });
    await strategy.classify('prove it');
    now = 999;
    await strategy.classify('prove it');
    now = 1_000;
    await strategy.classify('prove it');
    expect(server.calls).toHaveLength(2);
    expect(strategy.counters).toMatchObject({ cacheHits: 1, cacheMisses: 2 });
  });

  it('caches nothing with cacheSize 0, and never caches a failed call', async () => {
    const uncached = createLlmStrategy(withLlm({ cacheSize: 0 }), model());
    await uncached.classify('prove it');
    await uncached.classify('prove it');
    expect(uncached.counters).toMatchObject({ calls: 2, cacheHits: 0, cacheMisses: 2 });

    const impatient = createLlmStrategy(withLlm({ timeoutMs: 10 }), model());
    expect((await impatient.classify('prove it')).unsure).toMatch(/^call failed: openai timed out/);
    expect((await impatient.classify('prove it')).unsure).toMatch(/^call failed: /);
    expect(impatient.counters).toMatchObject({ calls: 2, failed: 2, cacheHits: 0 });
  });
});
