import { hashApiKey, loadConfig, type FinalAnswer } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, FeedbackStore, qualityMonitor, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, routedDecision, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'feedback-test', level: 'silent' });
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

const final = (tier: string): FinalAnswer => ({
  answer: 'an answer',
  tier,
  deployment: { provider: 'sim', model: tier },
  hop: 0,
  qualityScore: 1,
  simulated: true,
  finishReason: 'stop',
});

describe('POST /v1/requests/:id/feedback', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;
  const ids: Record<string, string> = {};

  async function submit(secret: string): Promise<string> {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: bearer(secret),
      payload: { messages: [{ role: 'user', content: 'hello' }] },
    });
    return response.json().id as string;
  }
  async function finish(id: string, tier: string, route: string): Promise<void> {
    await runtime.store.setDecision(id, routedDecision(tier, route));
    await runtime.store.complete(id, final(tier));
  }
  const feedback = (id: string, secret: string, payload: unknown) =>
    app.inject({
      method: 'POST',
      url: `/v1/requests/${id}/feedback`,
      headers: bearer(secret),
      payload: payload as object,
    });

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('feedback');
    config.feedback.lowScore = 0.5;
    config.feedback.maxCommentChars = 20;
    config.auth.keys = [
      { id: 'team-a', hash: hashApiKey('sy-a'), role: 'client' },
      { id: 'team-b', hash: hashApiKey('sy-b'), role: 'client' },
      { id: 'ops', hash: hashApiKey('sy-ops'), role: 'admin' },
    ];
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
    ids.simpleLow = await submit('sy-a');
    ids.simpleGood = await submit('sy-a');
    ids.topLow = await submit('sy-a');
    ids.other = await submit('sy-b');
    ids.pending = await submit('sy-a');
    await finish(ids.simpleLow, 'simple', 'general');
    await finish(ids.simpleGood, 'simple', 'code');
    await finish(ids.topLow, 'complex', 'general');
    await finish(ids.other, 'simple', 'general');
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it("refuses feedback on another key's request as a 404, like a missing one", async () => {
    const response = await feedback(ids.other as string, 'sy-a', { score: 0.1 });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('not_found');
    expect((await feedback('no-such-id', 'sy-a', { score: 0.1 })).statusCode).toBe(404);
  });

  it('refuses an unfinished request and bad bodies, naming the problem', async () => {
    const pending = await feedback(ids.pending as string, 'sy-a', { thumbs: 'up' });
    expect(pending.statusCode).toBe(409);
    expect(pending.json().error.code).toBe('request_not_finished');
    const both = await feedback(ids.simpleGood as string, 'sy-a', { score: 1, thumbs: 'up' });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toMatch(/either "score"/);
    expect((await feedback(ids.simpleGood as string, 'sy-a', { score: 1.5 })).statusCode).toBe(400);
    expect((await feedback(ids.simpleGood as string, 'sy-a', { thumbs: 'sideways' })).statusCode).toBe(400);
    const long = await feedback(ids.simpleGood as string, 'sy-a', { score: 1, comment: 'x'.repeat(21) });
    expect(long.statusCode).toBe(400);
    expect(JSON.stringify(long.json())).toMatch(/at most 20 characters/);
  });

  it('counts feedback per tier and route, low scores and suspected misroutes; a replacement counts once', async () => {
    const first = await feedback(ids.simpleLow as string, 'sy-a', { score: 0.9 });
    expect(first.statusCode).toBe(201);
    const again = await feedback(ids.simpleLow as string, 'sy-a', { thumbs: 'down', comment: 'wrong sum' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replaced: true, score: 0, suspectedMisroute: true, tier: 'simple' });
    expect((await feedback(ids.simpleGood as string, 'sy-a', { score: 0.8 })).statusCode).toBe(201);
    const top = await feedback(ids.topLow as string, 'sy-a', { score: 0.2 });
    expect(top.json()).toMatchObject({ low: true, suspectedMisroute: false, tier: 'complex' });
    expect((await feedback(ids.other as string, 'sy-b', { thumbs: 'up' })).statusCode).toBe(201);

    const own = (await app.inject({ method: 'GET', url: '/v1/stats', headers: bearer('sy-a') })).json();
    expect(own.quality.lowScore).toBe(0.5);
    expect(own.quality.total).toMatchObject({ feedback: 3, suspectedMisroutes: 1, judged: 0, averageJudgeScore: null });
    expect(own.quality.tiers.simple).toMatchObject({ feedback: 2, lowShare: 0.5, suspectedMisroutes: 1 });
    expect(own.quality.tiers.simple.averageScore).toBeCloseTo(0.4, 6);
    expect(own.quality.tiers.complex).toMatchObject({ feedback: 1, lowShare: 1, suspectedMisroutes: 0 });
    expect(own.quality.routes.general).toMatchObject({ feedback: 2, suspectedMisroutes: 1 });
    expect(own.quality.routes.code.averageScore).toBeCloseTo(0.8, 6);

    const all = (await app.inject({ method: 'GET', url: '/v1/stats', headers: bearer('sy-ops') })).json();
    expect(all.quality.total.feedback).toBe(4);
    expect(all.quality.tiers.simple.feedback).toBe(3);
    expect(all.quality.tiers.simple.averageScore).toBeCloseTo((0 + 0.8 + 1) / 3, 6);
  });

  it('adds judge scores beside feedback, per tier, and refuses a score outside 0..1', async () => {
    const store = new FeedbackStore(runtime.redis, runtime.keys, 3_600);
    const target = (requestId: string, tier: string) => ({
      requestId,
      keyId: 'k1',
      createdAt: '2026-03-04T10:00:00.000Z',
      tier,
      route: 'general',
    });
    await store.addJudgeScore(target('a', 'simple'), 0.25);
    await store.addJudgeScore(target('b', 'simple'), 0.75);
    await store.addJudgeScore(target('c', 'complex'), 1);
    await expect(store.addJudgeScore(target('d', 'simple'), 1.2)).rejects.toThrow(/not within 0\.\.1/);
    const monitor = qualityMonitor(await store.read(['2026-03-04']));
    expect(monitor.tiers.simple).toMatchObject({ judged: 2, averageJudgeScore: 0.5, feedback: 0, averageScore: null });
    expect(monitor.tiers.complex?.averageJudgeScore).toBe(1);
    expect(monitor.total.judged).toBe(3);
    expect(await store.read(['2026-03-04'], 'someone-else')).toEqual([]);

    // A request in an experiment counts in its arm too, and only there.
    const inArm = { ...target('e', 'simple'), experiment: { name: 'gate', arm: 'variant' as const } };
    await store.addJudgeScore(inArm, 0.5);
    expect(await store.readExperiments(['2026-03-04'])).toEqual({
      gate: { variant: expect.objectContaining({ judged: 1, averageJudgeScore: 0.5, feedback: 0 }) },
    });
    expect(await store.readExperiments(['2026-03-04'], 'someone-else')).toEqual({});
    expect(qualityMonitor(await store.read(['2026-03-04'])).tiers.simple?.judged).toBe(3);
  });
});
