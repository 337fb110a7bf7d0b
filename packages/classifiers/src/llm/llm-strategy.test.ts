import { ConfigError, loadConfig, parseConfig, type StrategyVerdict } from '@switchyard/core';
import { createOpenAIAdapter, createSimulatedAdapter, type ProviderAdapter } from '@switchyard/providers';
import { startTestServer, type RecordedCall, type Reply, type TestServer } from '@switchyard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createClassifierChain } from '../classifier-chain.ts';
import { createLlmStrategy, llmDeploymentRef, type LlmVerdict } from './llm-strategy.ts';

const config = loadConfig();

const completion = (content: string, extra: Partial<Reply> = {}): Reply => ({
  body: {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 50, completion_tokens: 20 },
  },
  ...extra,
});

/** The real OpenAI adapter, as the `openai` provider type builds it for a local server. */
const localModel = (baseURL: string) => ({
  adapter: createOpenAIAdapter({ name: 'openai', apiKey: undefined, baseURL, timeoutMs: 30_000, stream: false }),
  model: 'tiny-router',
  simulated: false,
});

type ChatBody = { model: string; messages: { role: string; content: string }[]; temperature: number };

describe('createLlmStrategy against a local OpenAI-compatible server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function strategyAnswering(answer: (call: RecordedCall) => Reply, llm: Record<string, unknown> = {}) {
    server = await startTestServer(answer);
    const configured = parseConfig({
      ...config,
      classifier: { ...config.classifier, llm: { timeoutMs: 5_000, ...llm } },
    });
    return createLlmStrategy(configured, localModel(server.baseURL));
  }

  it('sends the policy prompt and a JSON request, and turns a valid answer into a verdict', async () => {
    const strategy = await strategyAnswering(() =>
      completion('{"tier": "complex", "route": "legal", "confidence": 0.8}'),
    );
    const verdict = (await strategy.classify('Assess the liability risks of this licence.')) as LlmVerdict;
    expect(verdict).toEqual({
      strategy: 'llm',
      tier: 'complex',
      route: 'legal',
      confidence: 0.8,
      scores: { simple: 0.1, medium: 0.1, complex: 0.8, 'route:legal': 0.8 },
    });
    const call = server?.calls[0];
    const request = call?.body as ChatBody;
    expect(call?.path).toBe('/v1/chat/completions');
    expect(request).toMatchObject({ model: 'tiny-router', temperature: 0, response_format: { type: 'json_object' } });
    expect(request.messages[0]?.role).toBe('system');
    for (const tier of config.tiers) expect(request.messages[0]?.content).toContain(tier.description ?? '?');
    expect(request.messages[1]).toEqual({
      role: 'user',
      content: '<request>\nAssess the liability risks of this licence.\n</request>',
    });
    expect(strategy.counters).toMatchObject({ calls: 1, answered: 1, invalid: 0, cacheHits: 0, cacheMisses: 1 });
  });

  it('reads an answer in a code fence with prose around it, and sends a bounded excerpt of a 1 MB prompt', async () => {
    const strategy = await strategyAnswering(() =>
      completion('Sure!\n```json\n{"tier": "simple", "confidence": 0.9, "reason": "greeting"}\n```'),
    );
    const verdict = await strategy.classify(`hello ${'x'.repeat(1_048_576)} bye`);
    expect(verdict).toMatchObject({ tier: 'simple', route: 'general', confidence: 0.9, reason: 'greeting' });
    const sent = (server?.calls[0]?.body as ChatBody | undefined)?.messages[1]?.content ?? '';
    expect(sent.length).toBeLessThanOrEqual(2_000 + '<request>\n\n[...]\n\n</request>'.length);
    expect(sent).toContain('hello');
    expect(sent).toContain('bye');
  });

  it('uses classifier.llm.defaultConfidence for an answer without one, and counts it', async () => {
    const strategy = await strategyAnswering(() => completion('{"tier": "medium", "route": "code"}'), {
      defaultConfidence: 0.6,
    });
    expect(await strategy.classify('Write a function that reverses a list.')).toMatchObject({
      tier: 'medium',
      route: 'code',
      confidence: 0.6,
      reason: 'no confidence given, 0.6 assumed',
    });
    expect(strategy.counters).toMatchObject({ answered: 1, defaultedConfidence: 1 });
  });

  it('counts invalid answers and is unsure: not JSON, unknown tier, confidence out of range', async () => {
    const answers = [
      'I think it is hard.',
      '{"tier": "gold", "confidence": 0.5}',
      '{"tier": "simple", "confidence": 7}',
    ];
    let next = 0;
    const strategy = await strategyAnswering(() => completion(answers[next++] ?? ''));
    const verdicts = [];
    for (const prompt of ['one', 'two', 'three']) verdicts.push(await strategy.classify(prompt));
    expect(verdicts.map((verdict) => verdict.unsure)).toEqual([
      'invalid answer: no JSON object with a "tier" in the answer: "I think it is hard."',
      'invalid answer: answer tier: "gold" is not one of simple, medium, complex',
      'invalid answer: answer confidence: 7 is not a number from 0 to 1',
    ]);
    expect(
      verdicts.every((verdict) => verdict.confidence === 0 && verdict.tier === config.classifier.defaultTier),
    ).toBe(true);
    expect(strategy.counters).toMatchObject({ calls: 3, answered: 0, invalid: 3, failed: 0 });
  });

  it('is unsure with the reason on an HTTP error and on a timeout, and never throws', async () => {
    let next = 0;
    const strategy = await strategyAnswering(
      () =>
        next++ === 0
          ? { status: 500, body: { error: { message: 'overloaded', type: 'server_error' } } }
          : completion('{"tier": "simple", "confidence": 1}', { delayMs: 2_000 }),
      { timeoutMs: 200 },
    );
    expect((await strategy.classify('a')).unsure).toBe('call failed: openai 500 server_error: overloaded');
    expect((await strategy.classify('b')).unsure).toBe('call failed: openai timed out after 200 ms (request aborted)');
    expect(strategy.counters).toMatchObject({ calls: 2, failed: 2, cacheHits: 0 });
  });

  it('stops calling a failing server once its breaker opens, and says so in the verdict', async () => {
    server = await startTestServer(() => ({ status: 503, body: { error: { message: 'down' } } }));
    const breaker = { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 };
    const failing = parseConfig({
      ...config,
      providers: { ...config.providers, openai: { ...config.providers.openai, breaker } },
      classifier: { ...config.classifier, strategies: ['llm'] },
    });
    const strategy = createLlmStrategy(failing, localModel(server.baseURL));
    const verdicts = [];
    for (const prompt of ['a', 'b', 'c', 'd']) verdicts.push(await strategy.classify(prompt));
    expect(server.calls).toHaveLength(2);
    expect(verdicts[1]?.unsure).toMatch(/^call failed: openai 503/);
    expect(verdicts[2]?.unsure).toMatch(/^call skipped: openai breaker open until \d{4}-/);
    expect(strategy.counters).toMatchObject({ calls: 2, failed: 2, breakerOpen: 2 });
  });

  it('in a chain, falls through to the default tier on an invalid answer and decides on a valid one', async () => {
    let answer = '{"tier": "complex", "confidence": 0.9}';
    server = await startTestServer(() => completion(answer));
    const chainConfig = parseConfig({ ...config, classifier: { ...config.classifier, strategies: ['rules', 'llm'] } });
    const chain = createClassifierChain(chainConfig, { llm: localModel(server.baseURL) });
    // Nothing here matches a rule, so rules is unsure and the llm is asked.
    const ask = (content: string) => chain.classify({ messages: [{ role: 'user', content }] });
    expect(await ask('The quarterly numbers came in; the team would like your view.')).toMatchObject({
      tier: 'complex',
      strategy: 'llm',
    });
    answer = 'no idea';
    const fallen = await ask('The monthly numbers came in; the board would like your view.');
    expect(fallen).toMatchObject({ tier: 'medium', strategy: 'default' });
    expect(fallen.unsure).toMatch(/llm: invalid answer: no JSON object/);
    expect(chain.counters()).toEqual({
      llm: {
        calls: 2,
        answered: 1,
        invalid: 1,
        failed: 0,
        unavailable: 0,
        breakerOpen: 0,
        defaultedConfidence: 0,
        cacheHits: 0,
        cacheMisses: 2,
      },
    });
  });
});

describe('createLlmStrategy without a real model', () => {
  const simulatedAdapter = (name: string) =>
    createSimulatedAdapter({ name, latencyMs: { min: 0, max: 0 }, weakAnswerRate: 0, failureRate: 0 });

  it('reports itself unavailable, never calling a simulated adapter', async () => {
    let calls = 0;
    const simulated = simulatedAdapter('anthropic');
    const counting: ProviderAdapter = {
      name: 'anthropic',
      generate(request, options) {
        calls += 1;
        return simulated.generate(request, options);
      },
    };
    const strategy = createLlmStrategy(config, { adapter: counting, model: 'claude-haiku-4-5', simulated: true });
    const verdict = (await strategy.classify('hi')) as StrategyVerdict;
    expect(verdict.unsure).toBe(
      'unavailable: anthropic/claude-haiku-4-5 is answered by the simulated provider (no API key), ' +
        'so no model can classify',
    );
    expect(calls).toBe(0);
    expect(strategy.counters).toMatchObject({ calls: 0, unavailable: 1 });
  });

  it('treats a simulated answer from an adapter not flagged as simulated as unavailable too', async () => {
    const strategy = createLlmStrategy(config, {
      adapter: simulatedAdapter('openai'),
      model: 'gpt-4o-mini',
      simulated: false,
    });
    expect((await strategy.classify('hi')).unsure).toBe('unavailable: openai/gpt-4o-mini answered with simulated text');
    expect((await strategy.classify('hi')).unsure).toBe('unavailable: openai/gpt-4o-mini answered with simulated text');
    expect(strategy.counters).toMatchObject({ calls: 2, unavailable: 2, answered: 0, cacheHits: 0 });
  });

  it('reports itself unavailable when no model was given', async () => {
    expect((await createLlmStrategy(config, undefined).classify('hi')).unsure).toBe(
      'unavailable: no model was given to the llm strategy',
    );
  });
});

describe('llmDeploymentRef', () => {
  it('defaults to the first deployment of the cheapest tier', () => {
    expect(llmDeploymentRef(config)).toEqual({ tier: 'simple', deploymentIndex: 0 });
  });

  it('names classifier.llm fields that point nowhere', () => {
    const withLlm = (llm: Record<string, unknown>) =>
      parseConfig({ ...config, classifier: { ...config.classifier, llm } });
    expect(() => llmDeploymentRef(withLlm({ tier: 'gold' }))).toThrow(ConfigError);
    expect(() => llmDeploymentRef(withLlm({ tier: 'gold' }))).toThrow(/classifier\.llm\.tier: unknown tier "gold"/);
    expect(() => llmDeploymentRef(withLlm({ tier: 'medium', deployment: 5 }))).toThrow(
      /classifier\.llm\.deployment: tier "medium" has 2 deployment\(s\)/,
    );
  });
});
