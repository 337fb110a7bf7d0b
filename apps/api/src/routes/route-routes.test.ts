import { createClassifierChain, type LlmDeployment } from '@switchyard/classifiers';
import { loadConfig, parseConfig, type SwitchyardConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'route-test', level: 'silent' });
const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user', content }],
  ...extra,
});

interface RouteBody {
  object: string;
  tier: string;
  route: string;
  deployment: { provider: string; model: string };
  decision: { tier: string; strategy: string; adjustments: string[]; chain: { strategy: string }[] };
  strategies: {
    strategy: string;
    inChain: boolean;
    skipped: boolean;
    tier: string;
    unsure?: string;
    durationUs: number;
    scores: Record<string, number>;
  }[];
  counters: Record<string, Record<string, number>>;
}

/**
 * The model behind the llm strategy: it stands for a paid deployment (simulated: false), so every
 * call it counts is one a real provider would bill. The API package has no provider adapters.
 */
let modelCalls = 0;
const classifyingModel: LlmDeployment = {
  model: 'tiny-router',
  simulated: false,
  adapter: {
    name: 'local',
    async generate() {
      modelCalls += 1;
      return {
        text: '{"tier": "complex", "confidence": 0.9, "reason": "open-ended"}',
        finishReason: 'stop',
        usage: { inputTokens: 5, outputTokens: 5 },
        simulated: false,
      };
    },
  },
};

describe('POST /v1/route', () => {
  let runtime: QueueRuntime;
  let app: FastifyInstance;
  let config: SwitchyardConfig;

  beforeAll(async () => {
    const base = loadConfig();
    config = parseConfig({
      ...base,
      classifier: { ...base.classifier, strategies: ['rules', 'keywords', 'centroid', 'llm'] },
      queue: { ...base.queue, prefix: uniquePrefix('route') },
    });
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({
      config,
      runtime,
      logger,
      classifier: createClassifierChain(config, { llm: classifyingModel }),
    });
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('explains the decision with every strategy the chain skipped but llm: no model call, write or job', async () => {
    const before = await runtime.queues.classify.getJobCounts();
    const callsBefore = modelCalls;
    const response = await app.inject({
      method: 'POST',
      url: '/v1/route',
      payload: chat('Prove that there are infinitely many primes.'),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<RouteBody>();
    expect(body).toMatchObject({
      object: 'switchyard.route',
      tier: 'complex',
      route: 'general',
      deployment: { provider: 'anthropic', model: 'claude-opus-4-1' },
    });
    expect(body.decision).toMatchObject({ tier: 'complex', strategy: 'rules' });
    expect(modelCalls).toBe(callsBefore);
    expect(body.strategies.map((verdict) => [verdict.strategy, verdict.inChain, verdict.skipped])).toEqual([
      ['rules', true, false],
      ['keywords', true, false],
      ['centroid', false, false],
      ['llm', false, true],
    ]);
    expect(body.strategies.every((verdict) => verdict.durationUs >= 0)).toBe(true);
    expect(Object.keys(body.strategies[2]?.scores ?? {})).toEqual(
      expect.arrayContaining(['simple', 'medium', 'complex', 'route:legal']),
    );
    expect(body.strategies[3]?.unsure).toMatch(/^skipped: /);
    expect(body.counters).toEqual({
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
    expect(await runtime.queues.classify.getJobCounts()).toEqual(before);
  });

  it('asks the model where the chain itself does, as a real request would', async () => {
    // Without centroid, which is sure of almost anything, a prompt no rule or keyword knows reaches the llm.
    const withoutCentroid = parseConfig({
      ...config,
      classifier: { ...config.classifier, strategies: ['rules', 'keywords', 'llm'] },
    });
    const llmApp = await buildApp({
      config: withoutCentroid,
      runtime,
      logger,
      classifier: createClassifierChain(withoutCentroid, { llm: classifyingModel }),
    });
    try {
      const callsBefore = modelCalls;
      const body = (
        await llmApp.inject({
          method: 'POST',
          url: '/v1/route',
          payload: chat('The quarterly numbers came in and the team would like your view on them tomorrow.'),
        })
      ).json<RouteBody>();
      expect(body.decision).toMatchObject({ tier: 'complex', strategy: 'llm' });
      expect(body.strategies[2]).toMatchObject({ strategy: 'llm', inChain: true, skipped: false });
      expect(modelCalls).toBe(callsBefore + 1);
    } finally {
      await llmApp.close();
    }
  });

  it('applies force_tier, max_tier and route minimums as a real request would', async () => {
    const capped = (
      await app.inject({
        method: 'POST',
        url: '/v1/route',
        payload: chat('What does SQL stand for?', { max_tier: 'simple' }),
      })
    ).json<RouteBody>();
    expect(capped).toMatchObject({ tier: 'simple', route: 'code' });
    expect(capped.decision.adjustments).toEqual([
      'route code minTier medium: raised from simple to medium',
      'max_tier simple: capped from medium to simple',
    ]);
    const forced = (
      await app.inject({ method: 'POST', url: '/v1/route', payload: chat('hi', { force_tier: 'complex' }) })
    ).json<RouteBody>();
    expect(forced).toMatchObject({ tier: 'complex', decision: { strategy: 'forced' } });
  });

  it('classifies non-Latin and mixed-language prompts, and refuses an empty one like POST /v1/requests', async () => {
    const empty = await app.inject({ method: 'POST', url: '/v1/route', payload: chat('') });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: { code: 'invalid_body', param: 'messages[0].content' } });
    for (const content of [
      '请用Python写一个函数，判断一个字符串是否是回文。',
      'مرحبا، ما هي عاصمة مصر؟',
      'Bonjour! 请 explain this 関数 🙂',
    ]) {
      const response = await app.inject({ method: 'POST', url: '/v1/route', payload: chat(content) });
      expect(response.statusCode, content).toBe(200);
      expect(['simple', 'medium', 'complex']).toContain(response.json<RouteBody>().tier);
    }
  });

  it('rejects a body that is not a chat request, and unknown tiers, like POST /v1/requests', async () => {
    const invalid = await app.inject({ method: 'POST', url: '/v1/route', payload: { prompt: 'hi' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ error: { code: 'invalid_body' } });
    const unknownTier = await app.inject({
      method: 'POST',
      url: '/v1/route',
      payload: chat('hi', { max_tier: 'gold' }),
    });
    expect(unknownTier.statusCode).toBe(400);
    expect(unknownTier.json()).toMatchObject({ error: { code: 'unknown_tier', param: 'max_tier' } });
  });
});
