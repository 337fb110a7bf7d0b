import { loadConfig } from '@switchyard/core';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { countCompletions, writeConfigFile, type CompletionCounter } from '../support/stack.ts';

const tiers = ['simple', 'medium', 'complex'];

describe('a worker killed mid-job', () => {
  const prefix = uniquePrefix('crash');
  const roles: RoleProcess[] = [];
  let env: Record<string, string> = {};
  let apiUrl = '';
  let completionCounter: CompletionCounter | undefined;
  let completions = new Map<string, number>();

  beforeAll(async () => {
    const redisUrl = await redisUrlForTests();
    const config = loadConfig();
    config.queue.prefix = prefix;
    config.queue.retentionSeconds = 3_600;
    // Short locks so that the jobs of a killed worker are found again within seconds.
    config.queue.lockDurationMs = 1_500;
    config.queue.executorConcurrency = 10;
    // Slow answers, so that the kill lands while jobs are in flight.
    config.simulation = { latencyMs: { min: 1_000, max: 1_500 }, weakAnswerRate: {}, failureRate: 0 };
    const configPath = writeConfigFile(config, 'crash');
    env = { REDIS_URL: redisUrl, SWITCHYARD_CONFIG: configPath, SWITCHYARD_SIMULATE: '1', LOG_LEVEL: 'warn' };

    completionCounter = await countCompletions(redisUrl, `${prefix}:events`);
    completions = completionCounter.counts;
    const api = startRole('api', ['api', '--port', '0'], env);
    roles.push(api, startRole('classifier', ['classifier'], env));
    apiUrl = (await api.waitForLine(/listening on (http:\/\/\S+)/))[1] ?? '';
  });

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
    completionCounter?.close();
  });

  it('loses nothing: its jobs run again on a new worker and every request completes exactly once', async () => {
    const executors = tiers.map((tier) => startRole(`executor-${tier}`, ['executor', '--tier', tier], env));
    roles.push(...executors);
    await Promise.all(executors.map((executor) => executor.waitForLine(/running/)));

    const items = Array.from({ length: 30 }, (_, index) => ({
      custom_id: `c${index}`,
      messages: [
        {
          role: 'user',
          content:
            index % 3 === 0
              ? `hi number ${index}`
              : `Explain, in a few paragraphs, idea number ${index} of distributed queues.`,
        },
      ],
    }));
    const created = await fetch(`${apiUrl}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items),
    });
    const { id: batchId } = (await created.json()) as { id: string };

    // Wait until jobs are running, then kill every executor without a chance to clean up.
    const progress = await fetch(`${apiUrl}/v1/batches/${batchId}/events`);
    const reader = progress.body?.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while (!/"running":[1-9]/.test(seen)) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) throw new Error(`progress stream ended before anything ran: ${seen}`);
      seen += decoder.decode(chunk.value, { stream: true });
    }
    await reader?.cancel();
    const inFlight = (await (await fetch(`${apiUrl}/v1/batches/${batchId}`)).json()) as {
      counts: { running: number; completed: number };
    };
    await Promise.all(
      executors.map(
        (executor) =>
          new Promise<void>((resolve) => {
            executor.child.once('exit', () => resolve());
            executor.child.kill('SIGKILL');
          }),
      ),
    );
    expect(inFlight.counts.running).toBeGreaterThan(0);
    expect(inFlight.counts.completed).toBeLessThan(30);

    const replacements = tiers.map((tier) => startRole(`executor-${tier}-2`, ['executor', '--tier', tier], env));
    roles.push(...replacements);
    const done = await (await fetch(`${apiUrl}/v1/batches/${batchId}/events`)).text();
    expect(done).toContain('event: done');

    const results = (await (await fetch(`${apiUrl}/v1/batches/${batchId}/results`)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; status: string });
    expect(results.filter((line) => line.status !== 'completed')).toEqual([]);
    expect(results).toHaveLength(30);
    expect(completions.size).toBe(30);
    expect([...completions.values()].every((count) => count === 1)).toBe(true);
  }, 120_000);
});
