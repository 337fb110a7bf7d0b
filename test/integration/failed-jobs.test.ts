import { loadConfig, newRequestId, tierJobId } from '@switchyard/core';
import {
  createQueueRuntime,
  createRedis,
  createWorker,
  failRequestsOfFailedJobs,
  type QueueRuntime,
} from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('jobs that fail outside the hop runner', () => {
  let runtime: QueueRuntime;

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('failed-jobs');
    config.queue.retentionSeconds = 600;
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'worker');
  });

  afterAll(() => runtime.close());

  it('fail their request once BullMQ gives up, and not on an attempt it will retry', async () => {
    const queueName = 'raw';
    const prefix = runtime.keys.queuePrefix(queueName);
    const queue = new Queue(queueName, { connection: runtime.redis, prefix });
    const events = new QueueEvents(queueName, { connection: { url: runtime.redisUrl }, prefix });
    await events.waitUntilReady();
    const requestId = newRequestId();
    await runtime.store.create([{ id: requestId, request: { messages: [{ role: 'user', content: 'hi' }] } }]);

    let calls = 0;
    const statusesSeen: (string | undefined)[] = [];
    // A processor that does not go through runHop, as when BullMQ fails a job on its own.
    const workerConnection = createRedis(runtime.redisUrl, 'worker', 'switchyard-test-raw-worker');
    const worker = createWorker(
      queueName,
      async () => {
        calls += 1;
        statusesSeen.push(await runtime.store.getStatus(requestId));
        throw new Error(`boom ${calls}`);
      },
      {
        connection: workerConnection,
        keys: runtime.keys,
        concurrency: 1,
        lockDurationMs: 5_000,
        queue: { attempts: 2, backoffMs: 50 },
        report: runtime.report,
      },
    );
    const errors: Error[] = [];
    const completion = runtime.events();
    await completion.start();
    const failedEvent = new Promise<void>((resolve) => completion.onRequest(requestId, () => resolve()));
    failRequestsOfFailedJobs(worker, runtime.store, (error) => errors.push(error));
    try {
      // Under the request's own job id: only its own jobs may fail a request.
      const job = await queue.add(
        'x',
        { requestId },
        { jobId: tierJobId(requestId, 0), attempts: 2, backoff: { type: 'fixed', delay: 50 } },
      );
      await expect(job.waitUntilFinished(events)).rejects.toThrow('boom 2');
      await failedEvent;
      expect(calls).toBe(2);
      // The first failure was retried: the request was still open when the second attempt ran.
      expect(statusesSeen).toEqual(['queued', 'queued']);
      const record = await runtime.store.get(requestId);
      expect(record?.status).toBe('failed');
      expect(record?.error).toEqual({ code: 'job_failed', message: 'boom 2' });
      expect(errors).toEqual([]);
    } finally {
      await worker.close();
      workerConnection.disconnect();
      await events.close();
      await queue.close();
    }
  });
});
