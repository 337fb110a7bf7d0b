import { loadConfig } from '@switchyard/core';
import { startRedisServer, uniquePrefix, type RedisServerProcess } from '@switchyard/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { nonJsonLines, startFaultStack, type FaultStack } from './fault-stack.ts';

describe('Redis restarted in the middle of a batch', () => {
  let redis: RedisServerProcess | undefined;
  let stack: FaultStack | undefined;
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  it('workers resume on their own, every request completes, and every log line stays JSON', async () => {
    // Its own Redis with AOF on: what was acknowledged before the stop is there after the restart.
    redis = await startRedisServer();
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('fault-redis');
    config.queue.retentionSeconds = 3_600;
    config.queue.lockDurationMs = 2_000;
    config.shutdown.deadlineMs = 5_000;
    config.simulation = { latencyMs: { min: 100, max: 200 }, weakAnswerRate: { simple: 0.2 }, failureRate: 0 };
    stack = await startFaultStack(config, { redisUrl: redis.url, executors: [['simple', 'medium', 'complex']] });

    const batchId = await stack.submitBatch(200);
    await stack.progressUntil(batchId, (counts) => (counts.completed ?? 0) >= 20);
    await redis.stop();
    // Every process notices: its connections fail and it logs so, as JSON.
    await Promise.all(
      stack.roles.map(
        (role) =>
          new Promise<void>((resolve) => {
            const check = () => {
              if (!/redis-error|ECONNREFUSED|Connection is closed/.test(role.stderr())) return;
              role.child.stderr?.off('data', check);
              resolve();
            };
            role.child.stderr?.on('data', check);
            check();
          }),
      ),
    );
    await redis.restart();

    const results = await stack.results(batchId);
    expect(results).toHaveLength(200);
    expect(results.filter((line) => line.status !== 'completed')).toEqual([]);
    for (const role of stack.roles)
      expect({ role: role.name, lines: nonJsonLines(role.stderr()) }).toEqual({ role: role.name, lines: [] });
  }, 90_000);
});
