import { classifyJobId, loadConfig, newRequestId, tierJobId, type SwitchyardConfig } from '@switchyard/core';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RoleProcess } from '../support/processes.ts';
import { nonJsonLines, startFaultStack, type FaultStack } from './fault-stack.ts';

interface Settled {
  state: string;
  failedReason: string;
  attemptsMade: number;
}

/** Polls until the job is failed or completed; reads it as stored, since unparseable data cannot be loaded. */
async function settled(runtime: QueueRuntime, queue: Queue, jobId: string): Promise<Settled> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === 'failed' || state === 'completed') {
      const fields = await runtime.redis.hgetall(`${queue.opts.prefix}:${queue.name}:${jobId}`);
      return { state, failedReason: fields.failedReason ?? '', attemptsMade: Number(fields.atm ?? 0) };
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} on ${queue.name} still ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A job whose stored data is `raw`: added delayed, rewritten, then promoted, so no worker sees it before. */
async function addRaw(runtime: QueueRuntime, queue: Queue, jobId: string, raw: string): Promise<void> {
  const job = await queue.add(jobId.startsWith('classify') ? 'classify' : 'execute', {}, { jobId, delay: 600_000 });
  await runtime.redis.hset(`${queue.opts.prefix}:${queue.name}:${jobId}`, 'data', raw);
  await job.promote();
}

const loggedFailure = (role: RoleProcess | undefined, jobId: string) =>
  (role?.stderr() ?? '')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; jobId?: string })
    .some((line) => line.msg === 'job-failed' && line.jobId === jobId);

/**
 * Poison put straight on the `classify` and tier queues, under running classifier and executor
 * processes, while a batch of ordinary requests runs through them.
 */
describe('poison on the queues, across processes', () => {
  let config: SwitchyardConfig;
  let stack: FaultStack;
  let runtime: QueueRuntime;

  beforeAll(async () => {
    const redisUrl = await redisUrlForTests();
    config = loadConfig();
    config.queue.prefix = uniquePrefix('fault-poison');
    config.queue.retentionSeconds = 600;
    config.queue.backoffMs = 50;
    config.simulation = { latencyMs: { min: 100, max: 250 }, weakAnswerRate: { simple: 0.2 }, failureRate: 0 };
    stack = await startFaultStack(config, { redisUrl, executors: [config.tiers.map((tier) => tier.name)] });
    runtime = createQueueRuntime(config, redisUrl, 'producer');
  });

  afterAll(async () => {
    await stack?.close();
    await runtime?.close();
  });

  it('fails each poison job alone with its reason; the requests beside it all complete', async () => {
    const [, classifier, executor] = stack.roles;
    const batchId = await stack.submitBatch(400);
    await stack.progressUntil(batchId, (counts) => (counts.completed ?? 0) >= 10);

    // A real request the poison names; its own classify job comes only after the poison.
    const innocent = newRequestId();
    await runtime.store.create([{ id: innocent, request: { messages: [{ role: 'user', content: 'hi innocent' }] } }]);
    const classify = runtime.queues.classify;
    const simple = runtime.queues.tier('simple');
    const complex = runtime.queues.tier('complex');
    const stranger = newRequestId();
    await classify.add('classify', { requestId: innocent, extra: 'poison' }, { jobId: 'poison-extra' });
    await classify.add('classify', {}, { jobId: 'poison-empty' });
    await classify.add('classify', { requestId: stranger }, { jobId: classifyJobId(stranger) });
    await classify.add('classify', { requestId: innocent }, { jobId: 'poison-other-id', attempts: 1e6, backoff: 0 });
    await addRaw(runtime, classify, 'classify-raw', '{not json');
    await addRaw(runtime, classify, 'classify-number', '42');
    await simple.add(
      'execute',
      { requestId: innocent, hop: 9, tier: 'bogus', history: [] },
      {
        jobId: tierJobId(innocent, 9),
      },
    );
    await simple.add('execute', { requestId: innocent, hop: 'first', tier: 'simple' }, { jobId: 'poison-hop' });
    await complex.add(
      'execute',
      { requestId: stranger, hop: 0, tier: 'complex', history: [] },
      {
        jobId: tierJobId(stranger, 0),
        attempts: 1e6,
        backoff: 0,
      },
    );
    await addRaw(runtime, simple, 'tier-raw', '{"requestId": ');
    await addRaw(runtime, complex, 'tier-array', '[]');

    const expectations: [Queue, string, RegExp, RoleProcess | undefined][] = [
      [classify, 'poison-extra', /malformed payload/, classifier],
      [classify, 'poison-empty', /malformed payload.*requestId/, classifier],
      [classify, classifyJobId(stranger), new RegExp(stranger), classifier],
      [classify, 'poison-other-id', /is not the classify job of/, classifier],
      [classify, 'classify-raw', /has data that is not JSON/, classifier],
      [classify, 'classify-number', /malformed payload/, classifier],
      [simple, tierJobId(innocent, 9), /does not match its request/, executor],
      [simple, 'poison-hop', /malformed payload.*hop/, executor],
      [complex, tierJobId(stranger, 0), new RegExp(stranger), executor],
      [simple, 'tier-raw', /has data that is not JSON/, executor],
      [complex, 'tier-array', /malformed payload/, executor],
    ];
    for (const [queue, jobId, reason, role] of expectations) {
      const outcome = await settled(runtime, queue, jobId);
      expect({ jobId, state: outcome.state, reason: outcome.failedReason }).toEqual({
        jobId,
        state: 'failed',
        reason: expect.stringMatching(reason),
      });
      expect(outcome.attemptsMade).toBeLessThanOrEqual(config.queue.attempts);
      // The worker writes its log line after the job's state changes: wait for the line to reach stderr.
      await vi.waitFor(() => expect({ jobId, logged: loggedFailure(role, jobId) }).toEqual({ jobId, logged: true }), {
        timeout: 30_000,
        interval: 100,
      });
    }
    // None of it touched the request it named: still queued, then answered by its own job.
    expect((await runtime.store.get(innocent))?.status).toBe('queued');
    await classify.add('classify', { requestId: innocent }, { jobId: classifyJobId(innocent) });

    const results = await stack.results(batchId);
    expect(results).toHaveLength(400);
    expect(results.filter((line) => line.status !== 'completed')).toEqual([]);
    const deadline = Date.now() + 120_000;
    while ((await runtime.store.get(innocent))?.status !== 'completed' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await runtime.store.get(innocent))?.status).toBe('completed');
    expect(stack.completions.counts.get(innocent)).toBe(1);
    expect([...stack.completions.counts.values()].filter((times) => times !== 1)).toEqual([]);
    for (const role of stack.roles) {
      expect({ role: role.name, exited: role.child.exitCode }).toEqual({ role: role.name, exited: null });
      expect({ role: role.name, lines: nonJsonLines(role.stderr()) }).toEqual({ role: role.name, lines: [] });
    }
  }, 300_000);
});
