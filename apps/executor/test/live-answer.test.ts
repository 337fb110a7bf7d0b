import { parseConfig } from '@switchyard/core';
import { BreakerBoard, createOpenAIAdapter, type ResolvedDeployment } from '@switchyard/providers';
import {
  AnswerStreamWriter,
  answerStreamEntrySchema,
  createRedis,
  KeySpace,
  type AnswerStreamEntry,
} from '@switchyard/queue';
import { redisUrlForTests, scriptedSseFetch, sseFrame, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTier } from '../src/call-tier.ts';
import { LiveAnswer } from '../src/live-answer.ts';

const chunk = (choices: unknown[]) =>
  sseFrame({ id: 'chatcmpl-raw', object: 'chat.completion.chunk', created: 1, model: 'm', choices });
const text = (content: string) => chunk([{ index: 0, delta: { content }, finish_reason: null }]);

const config = parseConfig({
  tiers: [
    {
      name: 'top',
      deployments: [
        { provider: 'first', model: 'm', inputPerMTok: 1, outputPerMTok: 1 },
        { provider: 'second', model: 'm', inputPerMTok: 1, outputPerMTok: 1 },
      ],
    },
  ],
  routes: [{ name: 'general' }],
  classifier: { defaultTier: 'top' },
  providers: {
    first: { type: 'openai', baseURL: 'http://127.0.0.1:1/v1' },
    second: { type: 'openai', baseURL: 'http://127.0.0.1:1/v1' },
  },
});

function deployment(index: number, frames: string[]): ResolvedDeployment {
  const tier = config.tiers[0];
  const chosen = tier?.deployments[index];
  if (tier === undefined || chosen === undefined) throw new Error('no such deployment');
  const adapter = createOpenAIAdapter({
    name: chosen.provider,
    apiKey: 'test-key',
    baseURL: 'http://127.0.0.1:1/v1',
    timeoutMs: 5_000,
    stream: false,
    fetch: scriptedSseFetch({ frames }),
  });
  return { tier: tier.name, deployment: chosen, adapter, simulated: false };
}

describe('live answers', () => {
  const keys = new KeySpace(uniquePrefix('live-answer'));
  let redis: ReturnType<typeof createRedis>;
  beforeAll(async () => {
    redis = createRedis(await redisUrlForTests(), 'worker');
  });
  afterAll(() => redis.disconnect());

  it('streams each provider call as it arrives and marks the call that broke off mid-answer', async () => {
    const requestId = 'req_live';
    const writer = AnswerStreamWriter.forRequest(redis, keys, requestId, { ttlSeconds: 60, maxLength: 1_000 });
    const live = new LiveAnswer(writer, 'top', 0);
    const board = new BreakerBoard(config);
    const broken = [
      chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]),
      text('Half'),
      sseFrame({ error: { message: 'overloaded mid-stream', type: 'server_error', param: null, code: null } }),
    ];
    const whole = [
      text('Whole'),
      text(' answer'),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
      'data: [DONE]\n\n',
    ];
    try {
      const call = await callTier(
        'top',
        [deployment(0, broken), deployment(1, whole)],
        { messages: [{ role: 'user', content: 'hi' }] },
        board,
        undefined,
        live,
      );
      expect(call.result.text).toBe('Whole answer');
      expect(call.deployment.deployment.provider).toBe('second');
    } finally {
      await board.close();
    }
    expect(await writer.flush()).toBeUndefined();
    const entries: AnswerStreamEntry[] = (await redis.xrange(keys.answerStream(requestId), '-', '+')).map(
      ([, fields]) => answerStreamEntrySchema.parse(JSON.parse(fields[1] ?? '')),
    );
    const [first, second] = [...new Set(entries.map((entry) => entry.attempt))];
    expect(entries.map((entry) => entry.type)).toEqual(['start', 'delta', 'abort', 'start', 'delta', 'delta']);
    expect(entries.slice(0, 3).every((entry) => entry.attempt === first)).toBe(true);
    expect(entries[2]).toMatchObject({ type: 'abort', reason: expect.stringMatching(/overloaded mid-stream/) });
    expect(entries[3]).toMatchObject({ type: 'start', attempt: second, provider: 'second', model: 'm' });
    expect(live.streamedAttempt).toBe(second);
    expect(await redis.ttl(keys.answerStream(requestId))).toBeGreaterThan(0);
  });
});
