import { ConfigError, loadConfig, parseConfig, ProviderError, type StrategyVerdict } from '@switchyard/core';
import { createSimulatedAdapter, type ProviderAdapter } from '@switchyard/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { createClassifierChain } from '../classifier-chain.ts';
import { startTestServer, type RecordedCall, type Reply, type TestServer } from '@switchyard/testkit';
import { createLlmStrategy, llmDeploymentRef, type LlmVerdict } from './llm-strategy.ts';

const config = loadConfig();

/** A minimal adapter over fetch speaking OpenAI Chat Completions, as a provider adapter would. */
function fetchAdapter(baseURL: string): ProviderAdapter {
  return {
    name: 'local',
    async generate(request, options = {}) {
      const messages = [
        ...(request.system === undefined ? [] : [{ role: 'system', content: request.system }]),
        ...request.messages,
      ];
      const body = {
        model: request.model,
        messages,
        temperature: request.temperature,
        max_tokens: request.maxOutputTokens,
        ...(request.json === true ? { response_format: { type: 'json_object' } } : {}),
      };
      const init: RequestInit = {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      };
      if (options.signal !== undefined) init.signal = options.signal;
      const response = await fetch(`${baseURL}/chat/completions`, init);
      if (!response.ok)
        throw new ProviderError('local', `HTTP ${response.status}: ${await response.text()}`, {
          status: response.status,
        });
      const answer = (await response.json()) as {
        choices: { message: { content: string } }[];
        usage: { prompt_tokens: number; completion_tokens: number };
      };
      return {
        text: answer.choices[0]?.message.content ?? '',
        finishReason: 'stop',
        usage: { inputTokens: answer.usage.prompt_tokens, outputTokens: answer.usage.completion_tokens },
        simulated: false,
      };
    },
  };
}

const completion = (content: string, extra: Partial<Reply> = {}): Reply => ({
  body: {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 50, completion_tokens: 20 },
  },
  ...extra,
});

describe('createLlmStrategy against a local OpenAI-compatible server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function strategyAnswering(answer: (call: RecordedCall) => Reply, timeoutMs = 5_000) {
    server = await startTestServer(answer);
    const withTimeout = parseConfig({ ...config, classifier: { ...config.classifier, llm: { timeoutMs } } });
    return createLlmStrategy(withTimeout, {
      adapter: fetchAdapter(server.baseURL),
      model: 'tiny-router',
      simulated: false,
    });
  }

  it('asks for a JSON answer in the config’s vocabulary and turns a valid one into a verdict', async () => {
    const strategy = await strategyAnswering(() =>
      completion('{"tier": "complex", "route": "legal", "confidence": 0.8, "reason": "Weighs legal risk."}'),
    );
    const verdict = (await strategy.classify('Assess the liability risks of this licence.')) as LlmVerdict;
    expect(verdict).toEqual({
      strategy: 'llm',
      tier: 'complex',
      route: 'legal',
      confidence: 0.8,
      scores: { simple: 0.1, medium: 0.1, complex: 0.8, 'route:legal': 0.8 },
      reason: 'Weighs legal risk.',
    });
    const request = server?.calls[0]?.body as {
      model: string;
      messages: { role: string; content: string }[];
      temperature: number;
      response_format: unknown;
    };
    expect(server?.calls[0]?.path).toBe('/v1/chat/completions');
    expect(request).toMatchObject({ model: 'tiny-router', temperature: 0, response_format: { type: 'json_object' } });
    expect(request.messages[0]?.content).toContain(
      'simple (cheapest, weakest); medium (in between); complex (most capable, most expensive)',
    );
    expect(request.messages[1]).toEqual({
      role: 'user',
      content: '<request>\nAssess the liability risks of this licence.\n</request>',
    });
    expect(strategy.counters).toMatchObject({ calls: 1, answered: 1, invalid: 0 });
  });

  it('reads an answer in a code fence or a sentence, and sends a bounded excerpt of a 1 MB prompt', async () => {
    const strategy = await strategyAnswering(() =>
      completion('Sure!\n```json\n{"tier": "simple", "confidence": 0.9, "reason": "greeting"}\n```'),
    );
    const verdict = await strategy.classify(`hello ${'x'.repeat(1_048_576)} bye`);
    expect(verdict).toMatchObject({ tier: 'simple', route: 'general', confidence: 0.9 });
    const sent =
      (server?.calls[0]?.body as { messages: { content: string }[] } | undefined)?.messages[1]?.content ?? '';
    expect(sent.length).toBeLessThan(4_100);
    expect(sent).toContain('hello');
    expect(sent).toContain('bye');
  });

  it('counts invalid answers and is unsure: not JSON, unknown tier, confidence out of range', async () => {
    const answers = [
      'I think it is hard.',
      '{"tier": "gold", "confidence": 0.5, "reason": "x"}',
      '{"tier": "simple", "confidence": 7, "reason": "x"}',
    ];
    let next = 0;
    const strategy = await strategyAnswering(() => completion(answers[next++] ?? ''));
    const verdicts = [];
    for (let index = 0; index < answers.length; index += 1) verdicts.push(await strategy.classify('anything'));
    expect(verdicts.map((verdict) => verdict.unsure)).toEqual([
      expect.stringMatching(/^invalid answer: no JSON object in the answer/),
      expect.stringMatching(/^invalid answer: answer tier: /),
      expect.stringMatching(/^invalid answer: answer confidence: /),
    ]);
    expect(
      verdicts.every((verdict) => verdict.confidence === 0 && verdict.tier === config.classifier.defaultTier),
    ).toBe(true);
    expect(strategy.counters).toMatchObject({ calls: 3, answered: 0, invalid: 3, failed: 0 });
  });

  it('counts failed and timed-out calls, and never throws', async () => {
    let next = 0;
    const strategy = await strategyAnswering(
      () =>
        next++ === 0
          ? { status: 500, body: { error: { message: 'overloaded' } } }
          : completion('{}', { delayMs: 2_000 }),
      200,
    );
    expect((await strategy.classify('a')).unsure).toMatch(/^call failed: HTTP 500/);
    expect((await strategy.classify('b')).unsure).toMatch(/^call failed: /);
    expect(strategy.counters).toMatchObject({ calls: 2, failed: 2 });
  });

  it('in a chain, falls through to the default tier on an invalid answer and decides on a valid one', async () => {
    let answer = '{"tier": "complex", "confidence": 0.9, "reason": "multi-step"}';
    server = await startTestServer(() => completion(answer));
    const chainConfig = parseConfig({ ...config, classifier: { ...config.classifier, strategies: ['rules', 'llm'] } });
    const chain = createClassifierChain(chainConfig, {
      llm: { adapter: fetchAdapter(server.baseURL), model: 'm', simulated: false },
    });
    // Nothing here matches a rule, so rules is unsure and the llm is asked.
    const request = {
      messages: [
        {
          role: 'user' as const,
          content: 'The quarterly numbers came in and the team would like your view on them tomorrow.',
        },
      ],
    };
    expect(await chain.classify(request)).toMatchObject({ tier: 'complex', strategy: 'llm' });
    answer = 'no idea';
    const fallen = await chain.classify(request);
    expect(fallen).toMatchObject({ tier: 'medium', strategy: 'default' });
    expect(fallen.unsure).toMatch(/llm: invalid answer: no JSON object/);
    expect(chain.counters()).toEqual({ llm: { calls: 2, answered: 1, invalid: 1, failed: 0, unavailable: 0 } });
  });
});

describe('createLlmStrategy without a real model', () => {
  it('reports itself unavailable, never calling a simulated adapter', async () => {
    let calls = 0;
    const simulated = createSimulatedAdapter({
      name: 'anthropic',
      latencyMs: { min: 0, max: 0 },
      weakAnswerRate: 0,
      failureRate: 0,
    });
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
    const simulated = createSimulatedAdapter({
      name: 'openai',
      latencyMs: { min: 0, max: 0 },
      weakAnswerRate: 0,
      failureRate: 0,
    });
    const strategy = createLlmStrategy(config, { adapter: simulated, model: 'gpt-4o-mini', simulated: false });
    expect((await strategy.classify('hi')).unsure).toBe('unavailable: openai/gpt-4o-mini answered with simulated text');
    expect(strategy.counters).toMatchObject({ calls: 1, unavailable: 1, answered: 0 });
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
