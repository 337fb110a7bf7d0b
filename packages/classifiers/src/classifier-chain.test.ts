import { ConfigError, loadConfig, parseConfig, type ChatRequest } from '@switchyard/core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClassifierChain } from './classifier-chain.ts';
import type { ClassificationStrategy } from './strategy.ts';
import { configWithTiers } from '@switchyard/testkit';
import { fixedStrategy } from '@switchyard/testkit';

const defaultConfig = loadConfig();
// The chain mechanics are tested on the hand-written strategies, whose verdicts do not move when the
// shipped model is retrained.
const config = parseConfig({
  ...defaultConfig,
  classifier: { ...defaultConfig.classifier, strategies: ['rules', 'keywords'] },
});
const chain = createClassifierChain(config);
const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content }],
  ...extra,
});
const classify = (content: string, extra: Partial<ChatRequest> = {}) => chain.classify(ask(content, extra));

const fixed = fixedStrategy;

describe('the default chain: the shipped tier model (reading rules and keywords), then keywords for the route', () => {
  const learned = createClassifierChain(defaultConfig);
  const decide = (content: string) => learned.classify(ask(content));

  it('is the trained strategy, deciding the tier with a calibrated probability', async () => {
    expect(defaultConfig.classifier.strategies).toEqual(['trained', 'keywords']);
    const decision = await decide('Prove that there are infinitely many primes.');
    expect(decision).toMatchObject({ tier: 'complex', strategy: 'trained' });
    expect(decision.confidence).toBeGreaterThan(0.5);
    expect(decision.confidence).toBeLessThanOrEqual(1);
  });

  it('keeps greetings and bare facts on the first tier and hard prompts with generic verbs on the last', async () => {
    for (const prompt of ['hi', 'capital of australia', 'Who painted the Sistine Chapel ceiling?'])
      expect((await decide(prompt)).tier, prompt).toBe('simple');
    for (const prompt of [
      'Explain how you would shard a 40 TB database across regions without downtime, and justify each trade-off.',
      'Solve x^3 - 6x^2 + 11x - 6 = 0 and prove that there are no other real roots.',
      'Write a consensus protocol for five replicas that tolerates two crashed nodes, ' +
        'and prove it never loses a committed write.',
    ])
      expect((await decide(prompt)).tier, prompt).toBe('complex');
  });
});

describe('bad input through the default chain', () => {
  const learned = createClassifierChain(defaultConfig);
  const scripts = [
    'Привет',
    'مرحبا بالعالم',
    'שלום עולם',
    'नमस्ते दुनिया',
    'হ্যালো',
    'வணக்கம்',
    'สวัสดีชาวโลก',
    '你好，世界',
    'こんにちは世界',
    '안녕하세요',
    'Γειά σου Κόσμε',
    'Բարեւ',
    'გამარჯობა',
    'ሰላም',
    'ᐊᐃᓐᖓᐃ',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂🚀',
    'Z̷̢͎a̴̗l̸̯g̷o̵',
  ];
  const junk = String.fromCharCode(...Array.from({ length: 4096 }, (_, index) => (index * 7919) % 65536));

  it('classifies empty, 1 MB, binary and every-script prompts to a configured tier without throwing', async () => {
    for (const prompt of ['', ' \n\t ', 'a'.repeat(1_048_576), junk, '\u0000'.repeat(1000), ...scripts]) {
      const decision = await learned.classify(ask(prompt));
      expect(['simple', 'medium', 'complex'], JSON.stringify(prompt.slice(0, 20))).toContain(decision.tier);
      expect(Number.isFinite(decision.confidence)).toBe(true);
    }
  });
});

describe('createClassifierChain with rules → keywords', () => {
  it('sends greetings and short facts to the first tier', async () => {
    for (const prompt of ['hi', 'Thanks!', 'What is the capital of France?', 'How many legs does a spider have?']) {
      const decision = await classify(prompt);
      expect(decision.tier, prompt).toBe('simple');
      expect(decision.route, prompt).toBe('general');
    }
  });

  it('sends proofs, architecture and security reviews to the last tier', async () => {
    for (const prompt of [
      'Prove that there are infinitely many primes.',
      'Design a distributed rate limiter for a multi-region API and discuss the trade-offs.',
      "Review this service's authentication flow for security problems.",
      'Threat-model our password reset flow.',
    ]) {
      expect((await classify(prompt)).tier, prompt).toBe('complex');
    }
  });

  it('routes code, legal and creative prompts to their experts and the rest to the fallback', async () => {
    expect(
      (await classify('Write a Python function that removes duplicates from a list while keeping order.')).route,
    ).toBe('code');
    expect((await classify('Why does this JavaScript code print undefined?')).route).toBe('code');
    expect((await classify('What does an indemnification clause do in a services agreement?')).route).toBe('legal');
    expect((await classify('Write a haiku about autumn rain.')).route).toBe('creative');
    expect((await classify('Explain how vaccines train the immune system.')).route).toBe('general');
  });

  it('never sends a short hard question to the first tier on its length alone', async () => {
    for (const prompt of [
      'Докажи, что простых чисел бесконечно много.',
      'सिद्ध कीजिए कि अभाज्य संख्याएँ अनंत हैं।',
      '소수가 무한히 많다는 것을 증명하시오.',
      'Find all integer solutions of x^2 - 2y^2 = 1.',
      'Is P equal to NP?',
    ]) {
      expect((await classify(prompt)).tier, prompt).not.toBe('simple');
    }
  });

  it('takes the tier from rules and still runs keywords for the route', async () => {
    const decision = await classify('Prove that this sorting algorithm terminates on every input.');
    expect(decision).toMatchObject({ tier: 'complex', strategy: 'rules', route: 'code' });
    expect(decision.chain.map((verdict) => verdict.strategy)).toEqual(['rules', 'keywords']);
    expect(decision.scores['route:code']).toBeGreaterThan(0);
    expect(decision.durationUs).toBeGreaterThan(0);
  });

  it("raises to the route's minTier and records why", async () => {
    const decision = await classify('What does SQL stand for?');
    expect(decision).toMatchObject({ route: 'code', tier: 'medium', strategy: 'rules' });
    expect(decision.chain[0]?.tier).toBe('simple');
    expect(decision.adjustments).toEqual(['route code minTier medium: raised from simple to medium']);
  });

  it('forces the tier but still classifies the route; minTier does not override a forced tier', async () => {
    const decision = await classify('Fix this TypeScript compile error in my React component.', {
      force_tier: 'simple',
    });
    expect(decision).toMatchObject({ tier: 'simple', strategy: 'forced', confidence: 1, route: 'code' });
    expect(decision.adjustments).toEqual([
      'force_tier: tier forced to simple',
      'route code minTier medium: not applied, the tier was forced',
    ]);
    expect(decision.chain.map((verdict) => verdict.strategy)).toEqual(['keywords']);
  });

  it('caps at max_tier, which wins over minTier because it is a budget', async () => {
    const capped = await classify('Prove that there are infinitely many primes.', { max_tier: 'medium' });
    expect(capped.tier).toBe('medium');
    expect(capped.adjustments).toEqual(['max_tier medium: capped from complex to medium']);

    const both = await classify('What does SQL stand for?', { max_tier: 'simple' });
    expect(both.tier).toBe('simple');
    expect(both.adjustments).toEqual([
      'route code minTier medium: raised from simple to medium',
      'max_tier simple: capped from medium to simple',
    ]);

    const forcedAbove = await classify('hello', { force_tier: 'complex', max_tier: 'medium' });
    expect(forcedAbove.tier).toBe('medium');
  });

  it('starts each request of a cheapest-first route on its lowest allowed tier unless the tier is forced', async () => {
    const cheapest = createClassifierChain(
      parseConfig({
        ...config,
        routes: config.routes.map((route) => ({ ...route, cascadeMode: 'cheapest-first' as const })),
      }),
    );
    const proof = await cheapest.classify(ask('Prove that there are infinitely many primes.'));
    expect(proof).toMatchObject({ tier: 'simple', strategy: 'cheapest-first', confidence: 1 });
    expect(proof.chain[0]?.tier).toBe('complex');
    expect(proof.adjustments).toEqual(['route general cascadeMode cheapest-first: starts at simple, not complex']);

    const code = await cheapest.classify(ask('Fix this TypeScript compile error in my React component.'));
    expect(code).toMatchObject({ route: 'code', tier: 'medium', strategy: 'cheapest-first' });
    expect(code.adjustments.at(-1)).toBe('route code minTier medium: raised from simple to medium');

    const forced = await cheapest.classify(
      ask('Prove that there are infinitely many primes.', { force_tier: 'complex' }),
    );
    expect(forced).toMatchObject({ tier: 'complex', strategy: 'forced' });
    expect(forced.adjustments).toContain('route general cascadeMode cheapest-first: not applied, the tier was forced');
  });

  it('throws a RangeError for tier names that are not on the ladder', async () => {
    await expect(classify('hi', { force_tier: 'gold' })).rejects.toThrow(RangeError);
    await expect(classify('hi', { max_tier: 'gold' })).rejects.toThrow(/unknown tier "gold"/);
  });

  it('classifies empty, Chinese, Arabic, emoji and mixed-language prompts without throwing', async () => {
    const tiers = config.tiers.map((tier) => tier.name);
    const prompts = [
      '',
      '你好，今天天气怎么样？',
      '请用Python写一个函数，判断一个字符串是否是回文。',
      'مرحبا، ما هي عاصمة مصر؟',
      '🎉🔥👍',
      'Bonjour! 请 explain this 関数 🙂',
    ];
    for (const prompt of prompts) {
      const decision = await classify(prompt);
      expect(tiers, prompt).toContain(decision.tier);
    }
    expect((await classify('请用Python写一个函数，判断一个字符串是否是回文。')).route).toBe('code');
    const systemOnly = await chain.classify({ messages: [{ role: 'system', content: 'You are terse.' }] });
    expect(tiers).toContain(systemOnly.tier);
  });

  it('classifies a 1 MB prompt quickly', async () => {
    const huge = 'Please read this contract clause carefully and tell me what it means. '.repeat(15_000);
    expect(huge.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const decision = await classify(huge);
    // A sanity bound, not a benchmark: classification reads a bounded window (~1 ms here).
    expect(performance.now() - started).toBeLessThan(1_000);
    // No rule matches, and length alone decides nothing: keywords decides, on the legal words.
    expect(decision).toMatchObject({ tier: 'medium', strategy: 'keywords', route: 'legal' });
  });
});

describe('createClassifierChain thresholds and strategy order', () => {
  it('uses the default tier with strategy "default" when nothing is confident', async () => {
    const strict = parseConfig({ ...config, classifier: { ...config.classifier, confidenceThreshold: 0.99 } });
    const decision = await createClassifierChain(strict).classify(ask('Prove that there are infinitely many primes.'));
    expect(decision).toMatchObject({ tier: 'medium', strategy: 'default', confidence: 0 });
    expect(decision.unsure).toMatch(/^no confident strategy \(rules: confidence .* < 0\.99; keywords: /);
    expect(decision.chain).toHaveLength(2);
  });

  it('skips verdicts that are unsure, under the threshold or too close to call', async () => {
    const unsure = fixed('rules', { tier: 'simple', unsure: 'no rule matched' });
    const weak = fixed('keywords', { tier: 'simple', confidence: 0.2 });
    const close = fixed('centroid', { tier: 'complex', scores: { simple: 0, medium: 0.49, complex: 0.5 } });
    const decision = await createClassifierChain(config, { strategies: [unsure, weak, close] }).classify(
      ask('anything'),
    );
    expect(decision).toMatchObject({ tier: 'medium', strategy: 'default', route: 'general' });
    expect(decision.unsure).toBe(
      'no confident strategy (rules: no rule matched; keywords: confidence 0.2 < 0.35; centroid: top-2 gap < 0.02)',
    );
  });

  it('stops at the first confident strategy once the route is known', async () => {
    const first = fixed('rules', { tier: 'complex', route: 'legal', scores: { simple: 0, medium: 0.1, complex: 0.9 } });
    const second = fixed('llm', { tier: 'simple' });
    const decision = await createClassifierChain(config, { strategies: [first, second] }).classify(ask('anything'));
    expect(decision).toMatchObject({ tier: 'complex', strategy: 'rules', route: 'legal' });
    expect(second.calls).toBe(0);
  });

  it('after the tier is decided runs only route strategies, and only until a route is found', async () => {
    const rules = fixed('rules', { tier: 'complex', scores: { simple: 0, medium: 0.1, complex: 0.9 } });
    const llm = fixed('llm', { tier: 'simple', route: 'code' });
    const keywords = fixed('keywords', { tier: 'simple', route: 'creative', scores: { 'route:creative': 0.8 } });
    const decision = await createClassifierChain(config, { strategies: [rules, llm, keywords] }).classify(
      ask('anything'),
    );
    expect(decision).toMatchObject({ tier: 'complex', strategy: 'rules', route: 'creative' });
    expect(llm.calls).toBe(0);
    expect(decision.chain.map((verdict) => verdict.strategy)).toEqual(['rules', 'keywords']);
  });

  it('ignores a route that is not confident enough or not configured, and awaits async strategies', async () => {
    const weakRoute = fixed('rules', { route: 'code', scores: { medium: 0.9, 'route:code': 0.1 } });
    const unknownRoute: ClassificationStrategy = {
      name: 'keywords',
      classify: async () => ({ ...weakRoute.classify(), route: 'astrology' }),
    };
    const decision = await createClassifierChain(config, { strategies: [weakRoute, unknownRoute] }).classify(
      ask('anything'),
    );
    expect(decision.route).toBe('general');
    expect(decision.chain).toHaveLength(2);
  });

  it('reports when no strategy ran', async () => {
    const decision = await createClassifierChain(config, { strategies: [] }).classify(ask('anything'));
    expect(decision).toMatchObject({
      tier: 'medium',
      strategy: 'default',
      unsure: 'no confident strategy (no strategy ran)',
      chain: [],
    });
  });

  it('stops at construction, naming the file, when the trained model is missing or malformed', () => {
    const withModel = (modelPath: string) =>
      parseConfig({
        ...config,
        classifier: { ...config.classifier, strategies: ['rules', 'trained'], trained: { modelPath } },
      });
    expect(() => createClassifierChain(withModel('/nonexistent/model.json'))).toThrow(ConfigError);
    expect(() => createClassifierChain(withModel('/nonexistent/model.json'))).toThrow(
      /cannot read tier model \/nonexistent\/model\.json/,
    );
    const notAModel = join(mkdtempSync(join(tmpdir(), 'switchyard-chain-')), 'config.json');
    writeFileSync(notAModel, JSON.stringify({ tiers: [] }));
    expect(() => createClassifierChain(withModel(notAModel))).toThrow(/is not a Switchyard tier model/);
  });
});

describe('createClassifierChain with other tier names', () => {
  const custom = createClassifierChain(configWithTiers(['cheap', 'mid', 'premium', 'ultra']));

  it('maps simple, medium and complex to the first, middle and last configured tiers', async () => {
    expect((await custom.classify(ask('hello'))).tier).toBe('cheap');
    expect((await custom.classify(ask('Explain how tides work.'))).tier).toBe('mid');
    expect((await custom.classify(ask('Prove that there are infinitely many primes.'))).tier).toBe('ultra');
  });

  it('applies overrides with the configured names', async () => {
    const decision = await custom.classify(
      ask('Prove that there are infinitely many primes.', { max_tier: 'premium' }),
    );
    expect(decision.tier).toBe('premium');
    await expect(custom.classify(ask('hi', { force_tier: 'complex' }))).rejects.toThrow(RangeError);
  });
});
