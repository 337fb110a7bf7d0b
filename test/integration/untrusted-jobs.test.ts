import { Writable } from 'node:stream';
import { startClassifierWorker, type RunningClassifier } from '@switchyard/classifier';
import { createClassifierChain } from '@switchyard/classifiers';
import {
  classifyJobId,
  loadConfig,
  newRequestId,
  tierJobId,
  tierQueueName,
  type SwitchyardConfig,
} from '@switchyard/core';
import { startExecutor, type RunningExecutor } from '@switchyard/executor';
import { createLogger } from '@switchyard/observability';
import { createProviderRegistry } from '@switchyard/providers';
import { createQueueRuntime, createRedis, createWorker, type QueueRuntime, type RedisClient } from '@switchyard/queue';
import { redisUrlForTests, routedDecision, uniquePrefix } from '@switchyard/testkit';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Log lines of the workers, parsed, to check what a failed job tells the operator. */
const lines: Record<string, unknown>[] = [];
const logger = createLogger({
  name: 'untrusted-test',
  level: 'warn',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  }),
});

/** Resolves once the job is failed or completed, with its final state and fields as stored. */
async function settled(
  redis: RedisClient,
  queue: Queue,
  jobId: string,
): Promise<{ state: string; failedReason?: string; attemptsMade: number }> {
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (state === 'failed' || state === 'completed') {
      // Read as stored: a job whose data is not JSON cannot be loaded with `getJob`.
      const fields = await redis.hgetall(`${queue.opts.prefix}:${queue.name}:${jobId}`);
      return {
        state,
        attemptsMade: Number(fields.atm ?? 0),
        ...(fields.failedReason === undefined ? {} : { failedReason: fields.failedReason }),
      };
    }
    // Short polls: the queue-events stream would need a connection per queue for one answer.
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('jobs are not trusted', () => {
  let config: SwitchyardConfig;
  let runtime: QueueRuntime;
  let classifier: RunningClassifier | undefined;
  const executors: RunningExecutor[] = [];

  beforeAll(async () => {
    config = loadConfig();
    config.queue.prefix = uniquePrefix('untrusted');
    config.queue.retentionSeconds = 600;
    config.queue.backoffMs = 20;
    config.simulation = { latencyMs: { min: 1, max: 5 }, weakAnswerRate: {}, failureRate: 0 };
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'worker', logger);
    const providers = createProviderRegistry(config, { env: {}, simulateAll: true });
    for (const tier of config.tiers)
      executors.push(startExecutor({ config, tier: tier.name, runtime, providers, logger }));
    await Promise.all(executors.map((executor) => executor.ready));
  });

  afterAll(async () => {
    await classifier?.close();
    await Promise.all(executors.map((executor) => executor.close()));
    await runtime.close();
  });

  it('fails a raw job whose data is not JSON at once, with its id in the reason and the log', async () => {
    // Before the classifier runs: the job is corrupted while nobody can take it.
    const job = await runtime.queues.classify.add('classify', { requestId: newRequestId() }, { jobId: 'raw-1' });
    const key = `${runtime.keys.queuePrefix('classify')}:classify:raw-1`;
    await runtime.redis.hset(key, 'data', '{not json');
    classifier = startClassifierWorker({ config, runtime, chain: createClassifierChain(config), logger });

    const failed = await settled(runtime.redis, runtime.queues.classify, job.id ?? '');
    expect(failed.state).toBe('failed');
    expect(failed.failedReason).toContain('job raw-1 has data that is not JSON');
    expect(failed.attemptsMade).toBe(1);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'job-failed', jobId: 'raw-1' }));
  });

  it('leaves a request alone when a malformed job names it, and answers it from its real job', async () => {
    const requestId = newRequestId();
    await runtime.store.create([{ id: requestId, request: { messages: [{ role: 'user', content: 'hi there' }] } }]);
    const poison = await runtime.queues.classify.add('classify', { requestId, extra: 'poison' }, { jobId: 'poison-1' });
    const failed = await settled(runtime.redis, runtime.queues.classify, poison.id ?? '');
    expect(failed.failedReason).toContain('malformed payload');
    expect((await runtime.store.get(requestId))?.status).toBe('queued');

    await runtime.queues.classify.add('classify', { requestId }, { jobId: classifyJobId(requestId) });
    const completed = new Promise<void>((resolve) => runtime.events().onRequest(requestId, () => resolve()));
    await runtime.events().start();
    await completed;
    expect((await runtime.store.get(requestId))?.status).toBe('completed');
  });

  it('finishes a request only on the tier its record says, whatever hop and tier a job claims', async () => {
    const requestId = newRequestId();
    await runtime.store.create([
      { id: requestId, request: { messages: [{ role: 'user', content: 'hi' }], force_tier: 'complex' } },
    ]);
    await runtime.store.setDecision(requestId, routedDecision('complex', config.classifier.fallbackRoute));
    const simple = runtime.queues.tier('simple');
    const claims = [
      { data: { requestId, hop: 9, tier: 'bogus', history: [] }, jobId: tierJobId(requestId, 9) },
      { data: { requestId, hop: 0, tier: 'simple', history: [] }, jobId: tierJobId(requestId, 0) },
      { data: { requestId, hop: 1, tier: 'simple', history: [] }, jobId: 'made-up' },
    ];
    for (const claim of claims) {
      const job = await simple.add('execute', claim.data, { jobId: claim.jobId });
      const failed = await settled(runtime.redis, simple, job.id ?? '');
      expect(failed.state).toBe('failed');
      expect(failed.failedReason).toContain('does not match its request');
      expect(failed.attemptsMade).toBe(1);
    }
    expect((await runtime.store.get(requestId))?.status).toBe('routed');

    const completed = new Promise<void>((resolve) => runtime.events().onRequest(requestId, () => resolve()));
    await runtime.events().start();
    await runtime.queues
      .tier('complex')
      .add('execute', { requestId, hop: 0, tier: 'complex', history: [] }, { jobId: tierJobId(requestId, 0) });
    await completed;
    const record = await runtime.store.get(requestId);
    expect(record?.status).toBe('completed');
    expect(record?.final?.tier).toBe('complex');
    expect(record?.attempts.map((attempt) => attempt.tier)).toEqual(['complex']);
  });

  it('retries a failing job as often as the configuration says, not as often as the job asks', async () => {
    const queueName = tierQueueName('attempts');
    const prefix = runtime.keys.queuePrefix(queueName);
    const queue = new Queue(queueName, { connection: runtime.redis, prefix });
    const connection = createRedis(runtime.redisUrl, 'worker', 'switchyard-test-attempts', runtime.report);
    let calls = 0;
    const worker = createWorker(
      queueName,
      async () => {
        calls += 1;
        throw new Error(`boom ${calls}`);
      },
      {
        connection,
        keys: runtime.keys,
        concurrency: 1,
        lockDurationMs: 5_000,
        queue: { attempts: 3, backoffMs: 10 },
        report: runtime.report,
      },
    );
    try {
      const job = await queue.add('x', {}, { jobId: 'greedy', attempts: 1e6, backoff: 0 });
      const failed = await settled(runtime.redis, queue, job.id ?? '');
      expect(failed.state).toBe('failed');
      expect(failed.attemptsMade).toBe(3);
      expect(calls).toBe(3);
    } finally {
      await worker.close();
      connection.disconnect();
      await queue.close();
    }
  });
});
