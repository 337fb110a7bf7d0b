import { loadConfig } from '@switchyard/core';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultStack, type FaultStack } from './fault-stack.ts';

const tiers = ['simple', 'medium', 'complex'];

/** Slow enough answers that a batch of 500 is in flight for a while; short locks to find killed jobs fast. */
async function stackFor(label: string): Promise<FaultStack> {
  const config = loadConfig();
  config.queue.prefix = uniquePrefix(label);
  config.queue.retentionSeconds = 3_600;
  config.queue.lockDurationMs = 1_500;
  config.queue.executorConcurrency = 25;
  config.shutdown.deadlineMs = 10_000;
  config.simulation = { latencyMs: { min: 150, max: 300 }, weakAnswerRate: { simple: 0.2 }, failureRate: 0 };
  return startFaultStack(config, { redisUrl: await redisUrlForTests(), executors: [tiers] });
}

function expectExactlyOnce(stack: FaultStack, results: { status: string; id: string }[], count: number) {
  expect(results).toHaveLength(count);
  expect(results.filter((line) => line.status !== 'completed')).toEqual([]);
  const counts = stack.completions.counts;
  expect(counts.size).toBe(count);
  expect([...counts.entries()].filter(([, times]) => times !== 1)).toEqual([]);
}

describe('an executor stopped in the middle of a batch of 500', () => {
  let stack: FaultStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('SIGKILL: its jobs run again on a new executor and every request completes exactly once', async () => {
    stack = await stackFor('fault-kill');
    const [, , executor] = stack.roles;
    const batchId = await stack.submitBatch(500);
    await stack.progressUntil(batchId, (counts) => (counts.completed ?? 0) >= 50);
    await new Promise<void>((resolve) => {
      executor?.child.once('exit', () => resolve());
      executor?.child.kill('SIGKILL');
    });
    const replacement = stack.start('executor-after-kill', ['executor', ...tiers.flatMap((tier) => ['--tier', tier])]);
    await replacement.waitForLine(/running/);
    expectExactlyOnce(stack, await stack.results(batchId), 500);
  }, 90_000);

  it('SIGTERM: in-flight hops finish or are handed back within the deadline; none lost, none doubled', async () => {
    stack = await stackFor('fault-term');
    const [, , executor] = stack.roles;
    const batchId = await stack.submitBatch(500);
    await stack.progressUntil(batchId, (counts) => (counts.completed ?? 0) >= 50 && (counts.running ?? 0) > 0);
    const exited = new Promise<number | null>((resolve) => executor?.child.once('exit', (code) => resolve(code)));
    executor?.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(executor?.output()).toContain('Stopping...');
    expect(executor?.stderr()).not.toContain('worker-close-deadline');
    const replacement = stack.start('executor-after-term', ['executor', ...tiers.flatMap((tier) => ['--tier', tier])]);
    await replacement.waitForLine(/running/);
    expectExactlyOnce(stack, await stack.results(batchId), 500);
  }, 90_000);
});
