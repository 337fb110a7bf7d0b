import { loadConfig, newRequestId, type Attempt, type RoutingDecision } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'stats-test', level: 'silent' });

const decision = (route: string): RoutingDecision => ({
  strategy: 'rules',
  tier: 'simple',
  route,
  confidence: 1,
  scores: {},
  adjustments: [],
  chain: [],
  durationUs: 1,
});

const attempt = (hop: number, tier: string, costUsd: number, escalated: boolean): Attempt => ({
  hop,
  tier,
  deployment: { provider: 'anthropic', model: `${tier}-model` },
  startedAt: new Date().toISOString(),
  latencyMs: 5,
  usage: { inputTokens: 100, outputTokens: 50 },
  costUsd,
  baselineCostUsd: 0.01,
  finishReason: 'stop',
  answer: 'an answer',
  simulated: false,
  qualityScore: escalated ? 0.2 : 0.9,
  qualityReasons: [],
  ...(escalated ? { escalationReason: 'quality 0.2 below 0.7' } : {}),
  skipped: [],
});

describe('GET /v1/stats', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;

  /** A request answered through `attempts`, finished the way the executor finishes it. */
  async function finishedRequest(route: string, attempts: Attempt[]): Promise<void> {
    const id = newRequestId();
    await runtime.store.create([{ id, request: { messages: [{ role: 'user', content: 'q' }] } }]);
    await runtime.store.setDecision(id, decision(route));
    for (const each of attempts) await runtime.store.recordAttempt({ ...each, requestId: id });
    const served = attempts.at(-1) as Attempt;
    await runtime.store.complete(id, {
      answer: served.answer,
      tier: served.tier,
      deployment: served.deployment,
      hop: served.hop,
      qualityScore: served.qualityScore,
      simulated: false,
      finishReason: 'stop',
    });
  }

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('stats');
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
    await finishedRequest('code', [attempt(0, 'simple', 0.001, false)]);
    await finishedRequest('code', [attempt(0, 'simple', 0.001, true), attempt(1, 'medium', 0.004, false)]);
    await finishedRequest('general', [attempt(0, 'simple', 0.001, false)]);
    await finishedRequest('general', [attempt(0, 'complex', 0.01, false)]);
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('totals requests, escalations and money per tier, with shares and rates', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/stats?group_by=tier' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.total).toMatchObject({
      requests: 4,
      attempts: 5,
      escalations: 1,
      inputTokens: 500,
      outputTokens: 250,
      costUsd: 0.017,
      baselineUsd: 0.04,
      savedUsd: 0.023,
    });
    expect(body.total.savedPercent).toBeCloseTo(57.5, 6);
    expect(body.groups.simple).toMatchObject({ requests: 2, attempts: 3, escalations: 1, costUsd: 0.003 });
    expect(body.groups.simple.requestShare).toBe(0.5);
    expect(body.groups.simple.escalationRate).toBeCloseTo(1 / 3, 6);
    expect(body.groups.medium).toMatchObject({ requests: 1, attempts: 1, escalations: 0, costUsd: 0.004 });
    expect(body.groups.complex).toMatchObject({ requests: 1, costUsd: 0.01, savedUsd: 0 });
  });

  it('groups by route, deployment, key and day', async () => {
    const byRoute = (await app.inject({ method: 'GET', url: '/v1/stats?group_by=route' })).json();
    expect(byRoute.groups.code).toMatchObject({ requests: 2, costUsd: 0.006 });
    expect(byRoute.groups.general).toMatchObject({ requests: 2, costUsd: 0.011 });
    const byDeployment = (await app.inject({ method: 'GET', url: '/v1/stats?group_by=deployment' })).json();
    expect(Object.keys(byDeployment.groups).sort()).toEqual([
      'anthropic/complex-model',
      'anthropic/medium-model',
      'anthropic/simple-model',
    ]);
    const byKey = (await app.inject({ method: 'GET', url: '/v1/stats?group_by=key' })).json();
    expect(Object.keys(byKey.groups)).toEqual(['local']);
    const today = new Date().toISOString().slice(0, 10);
    const byDay = (await app.inject({ method: 'GET', url: `/v1/stats?group_by=day&from=${today}&to=${today}` })).json();
    expect(byDay.groups[today]).toMatchObject({ requests: 4 });
  });

  it('an earlier range is empty; bad ranges and groupings are refused with their reason', async () => {
    const empty = (await app.inject({ method: 'GET', url: '/v1/stats?from=2020-01-01&to=2020-01-31' })).json();
    expect(empty.total.requests).toBe(0);
    const reversed = await app.inject({ method: 'GET', url: '/v1/stats?from=2020-02-01&to=2020-01-01' });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.code).toBe('invalid_range');
    const tooLong = await app.inject({ method: 'GET', url: '/v1/stats?from=2020-01-01&to=2022-01-01' });
    expect(tooLong.json().error.message).toMatch(/at most 366/);
    const badGroup = await app.inject({ method: 'GET', url: '/v1/stats?group_by=colour' });
    expect(badGroup.statusCode).toBe(400);
    expect(badGroup.json().error.code).toBe('invalid_body');
  });
});
