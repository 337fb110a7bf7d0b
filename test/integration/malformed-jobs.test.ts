import { startClassifierWorker, type RunningClassifier } from '@switchyard/classifier';
import { createClassifierChain } from '@switchyard/classifiers';
import { loadConfig, newRequestId, tierQueueName, type SwitchyardConfig } from '@switchyard/core';
import { startExecutor, type RunningExecutor } from '@switchyard/executor';
import { createLogger } from '@switchyard/observability';
import { createProviderRegistry } from '@switchyard/providers';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ name: 'malformed-test', level: 'silent' });

describe('malformed jobs', () => {
  let config: SwitchyardConfig;
  let runtime: QueueRuntime;
  let classifier: RunningClassifier;
  let executor: RunningExecutor;
  let tierEvents: QueueEvents;

  beforeAll(async () => {
    config = loadConfig();
    config.queue.prefix = uniquePrefix('malformed');
    config.queue.retentionSeconds = 600;
    config.queue.backoffMs = 50;
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'worker');
    classifier = startClassifierWorker({ config, runtime, chain: createClassifierChain(config), logger });
    const providers = createProviderRegistry(config, { env: {}, simulateAll: true });
    executor = startExecutor({ config, tier: 'simple', runtime, providers, logger });
    tierEvents = new QueueEvents(tierQueueName('simple'), {
      connection: { url: runtime.redisUrl },
      prefix: runtime.keys.queuePrefix(tierQueueName('simple')),
    });
    await tierEvents.waitUntilReady();
  });

  afterAll(async () => {
    await tierEvents.close();
    await classifier.close();
    await executor.close();
    await runtime.close();
  });

  it('fails a job with a bad payload at once, without retries, with the reason on the record', async () => {
    const requestId = newRequestId();
    await runtime.store.create([{ id: requestId, request: { messages: [{ role: 'user', content: 'hi' }] } }]);
    const job = await runtime.queues
      .tier('simple')
      .add('execute', { requestId, hop: 'first', tier: 'simple' }, { jobId: `${requestId}-t0` });
    await job.waitUntilFinished(tierEvents).catch(() => undefined);

    const failed = await runtime.queues.tier('simple').getJob(job.id ?? '');
    expect(await failed?.getState()).toBe('failed');
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toContain('hop');
    const record = await runtime.store.get(requestId);
    expect(record?.status).toBe('failed');
    expect(record?.error?.code).toBe('malformed_job');
    expect(record?.error?.message).toContain('hop: Invalid input');
  });

  it('fails a classify job whose request record does not exist, without retries', async () => {
    const requestId = newRequestId();
    const classifyEvents = new QueueEvents('classify', {
      connection: { url: runtime.redisUrl },
      prefix: runtime.keys.queuePrefix('classify'),
    });
    await classifyEvents.waitUntilReady();
    try {
      const job = await runtime.queues.classify.add('classify', { requestId }, { jobId: `${requestId}-c` });
      await expect(job.waitUntilFinished(classifyEvents)).rejects.toThrow(`request ${requestId} has no record`);
      const failed = await runtime.queues.classify.getJob(job.id ?? '');
      expect(failed?.attemptsMade).toBe(1);
    } finally {
      await classifyEvents.close();
    }
  });
});
