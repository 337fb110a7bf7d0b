import { loadConfig } from '@switchyard/core';
import { createRedis, KeySpace, RequestStore, waitForRedis } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

const budgetUsd = 0.05;
const clientsPerApi = 3;

describe('a budget across three API processes', () => {
  const prefix = uniquePrefix('budget-e2e');
  const roles: RoleProcess[] = [];
  const apiUrls: string[] = [];
  let redisUrl = '';

  beforeAll(async () => {
    redisUrl = await redisUrlForTests();
    const config = loadConfig();
    config.queue.prefix = prefix;
    config.queue.retentionSeconds = 3_600;
    config.simulation = { latencyMs: { min: 5, max: 20 }, weakAnswerRate: {}, failureRate: 0 };
    config.budgets = {
      local: { dailyUsd: budgetUsd, onExceeded: 'reject', softThreshold: 0.8, estimateOutputTokens: 1_024 },
    };
    const env = {
      REDIS_URL: redisUrl,
      SWITCHYARD_CONFIG: writeConfigFile(config, 'budget-e2e'),
      SWITCHYARD_SIMULATE: '1',
      LOG_LEVEL: 'warn',
    };
    const apis = [0, 1, 2].map((index) => startRole(`api-${index}`, ['api', '--port', '0'], env));
    roles.push(
      ...apis,
      startRole('classifier', ['classifier'], env),
      ...['simple', 'medium', 'complex'].map((tier) =>
        startRole(`executor-${tier}`, ['executor', '--tier', tier], env),
      ),
    );
    for (const api of apis) apiUrls.push((await api.waitForLine(/listening on (http:\/\/\S+)/, 90_000))[1] ?? '');
    await Promise.all(roles.slice(3).map((role) => role.waitForLine(/running/, 90_000)));
  }, 200_000);

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
  });

  it('spends at most the budget plus one request per process in flight, then refuses with 402', async () => {
    const accepted: string[] = [];
    let refusals = 0;
    // Each client submits, waits for the answer and goes again, until its API refuses: requests
    // are admitted on one process while others settle on another.
    const client = async (apiUrl: string, index: number) => {
      for (let round = 0; round < 100; round += 1) {
        const response = await fetch(`${apiUrl}/v1/requests`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            messages: [{ role: 'user', content: `Prove that there are infinitely many primes (${index}.${round}).` }],
            max_tokens: 200,
          }),
        });
        if (response.status === 402) {
          const { error } = (await response.json()) as { error: { code: string } };
          expect(error.code).toBe('budget_exceeded');
          refusals += 1;
          return;
        }
        expect(response.status).toBe(202);
        const { id } = (await response.json()) as { id: string };
        accepted.push(id);
        await fetch(`${apiUrl}/v1/requests/${id}?wait=30`);
      }
    };
    await Promise.all(
      apiUrls.flatMap((apiUrl, api) =>
        Array.from({ length: clientsPerApi }, (_, client_) => client(apiUrl, api * 10 + client_)),
      ),
    );

    const redis = createRedis(redisUrl, 'producer');
    try {
      await waitForRedis(redis, 10_000);
      const store = new RequestStore(redis, new KeySpace(prefix), 3_600);
      const records = await Promise.all(accepted.map((id) => store.get(id)));
      const costs = records.map((record) => record?.costUsd ?? 0);
      const spent = costs.reduce((sum, cost) => sum + cost, 0);
      expect(records.every((record) => record?.status === 'completed')).toBe(true);
      expect(refusals).toBe(apiUrls.length * clientsPerApi);
      expect(accepted.length).toBeGreaterThan(3);
      expect(spent).toBeLessThanOrEqual(budgetUsd + apiUrls.length * Math.max(...costs));
      // Every reservation was settled: the counters hold the real spend and nothing reserved.
      const stats = (await (await fetch(`${apiUrls[0]}/v1/stats`)).json()) as {
        budgets: { local: { daily: { spentUsd: number; reservedUsd: number } } };
        total: { costUsd: number; requests: number };
      };
      expect(stats.budgets.local.daily.reservedUsd).toBe(0);
      expect(stats.budgets.local.daily.spentUsd).toBeCloseTo(spent, 8);
      expect(stats.total.requests).toBe(accepted.length);
    } finally {
      redis.disconnect();
    }
  }, 300_000);
});
