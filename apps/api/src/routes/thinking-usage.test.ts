import { loadConfig, newRequestId, type Attempt } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, routedDecision, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { chatCompletion, openAIUsage, recordInfo } from '../chat/chat-response.ts';

const attempt = (hop: number, tier: string, usage: Attempt['usage'], costUsd: number): Attempt => ({
  hop,
  tier,
  deployment: { provider: 'anthropic', model: `${tier}-model` },
  startedAt: new Date().toISOString(),
  latencyMs: 5,
  usage,
  costUsd,
  baselineCostUsd: costUsd,
  finishReason: 'stop',
  answer: `answer of ${tier}`,
  simulated: false,
  qualityScore: hop === 0 ? 0.2 : 0.9,
  qualityReasons: [],
  skipped: [],
});

describe('thinking tokens on the request record and the chat completion', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('thinking-usage');
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger: createLogger({ name: 'thinking-test', level: 'silent' }) });
    await runtime.queues.classify.waitUntilReady();
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('shows them per attempt and in the total, inside output_tokens, and 0 where none were spent', async () => {
    const id = newRequestId();
    await runtime.store.create([{ id, request: { messages: [{ role: 'user', content: 'q' }] } }]);
    await runtime.store.setDecision(id, routedDecision('simple', 'general'));
    const attempts = [
      attempt(0, 'simple', { inputTokens: 100, outputTokens: 20 }, 0.0002),
      attempt(1, 'complex', { inputTokens: 100, outputTokens: 3_000, thinkingTokens: 2_600 }, 0.2265),
    ];
    for (const each of attempts) await runtime.store.recordAttempt({ ...each, requestId: id });
    await runtime.store.complete(id, {
      answer: 'answer of complex',
      tier: 'complex',
      deployment: { provider: 'anthropic', model: 'complex-model' },
      hop: 1,
      qualityScore: 0.9,
      simulated: false,
      finishReason: 'stop',
    });

    const response = await app.inject({ method: 'GET', url: `/v1/requests/${id}` });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.attempts.map((each: { usage: unknown }) => each.usage)).toEqual([
      { input_tokens: 100, output_tokens: 20, thinking_tokens: 0 },
      { input_tokens: 100, output_tokens: 3_000, thinking_tokens: 2_600 },
    ]);
    expect(body.usage).toEqual({ input_tokens: 200, output_tokens: 3_020, thinking_tokens: 2_600 });
    expect(body.cost_usd).toBe(0.2267);
    expect(body.answer).toBe('answer of complex');

    // A chat completion shows them as OpenAI shows reasoning tokens, inside completion_tokens.
    const record = await runtime.store.get(id);
    const info = record === undefined ? undefined : recordInfo(record);
    if (record === undefined || info === undefined) throw new Error('the record is not completed');
    expect(chatCompletion(record, info).usage).toEqual({
      prompt_tokens: 200,
      completion_tokens: 3_020,
      total_tokens: 3_220,
      completion_tokens_details: { reasoning_tokens: 2_600 },
    });
    expect(openAIUsage({ inputTokens: 1, outputTokens: 2 })).toEqual({
      prompt_tokens: 1,
      completion_tokens: 2,
      total_tokens: 3,
    });
  });
});
