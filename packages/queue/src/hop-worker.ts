import type { Processor, Worker } from 'bullmq';
import { failRequestsOfFailedJobs } from './failure-policy.ts';
import type { QueueRuntime } from './queue-runtime.ts';
import { createWorker } from './queue-factory.ts';
import { createRedis } from './redis-connection.ts';

/** The part of a pino logger a hop worker writes to. */
export interface HopWorkerLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface HopWorkerSettings {
  runtime: QueueRuntime;
  concurrency: number;
  lockDurationMs: number;
  logger: HopWorkerLogger;
  /** Redis client name, to tell the connections apart in `CLIENT LIST`. */
  connectionName: string;
}

export interface HopWorker<Data, Result> {
  worker: Worker<Data, Result>;
  close(): Promise<void>;
}

/**
 * A worker for one stage of the request path (classify, or a tier), as every Switchyard process
 * runs it: a blocking connection of its own, failures logged, and a request failed whenever its
 * job is failed for good.
 */
export function startHopWorker<Data, Result>(
  queueName: string,
  processor: Processor<Data, Result>,
  settings: HopWorkerSettings,
): HopWorker<Data, Result> {
  const { runtime, logger } = settings;
  // Workers block on Redis, so they get a connection of their own with worker settings.
  const connection = createRedis(runtime.redisUrl, 'worker', settings.connectionName);
  const worker = createWorker(queueName, processor, {
    connection,
    keys: runtime.keys,
    concurrency: settings.concurrency,
    lockDurationMs: settings.lockDurationMs,
  });
  worker.on('failed', (job, error) => logger.warn({ jobId: job?.id, err: error }, 'job-failed'));
  failRequestsOfFailedJobs(worker, runtime.store, (error, jobId) =>
    logger.error({ jobId, err: error }, 'request-fail-error'),
  );
  worker.on('error', (error) => logger.error({ err: error }, 'worker-error'));
  return {
    worker,
    async close() {
      // BullMQ hands the processor's abort signal only to cancelled jobs, not to a closing worker:
      // cancelling lets a processor that takes the signal (a provider call) stop and hand its hop
      // back, instead of holding shutdown open until it finishes.
      worker.cancelAllJobs('worker closing');
      await worker.close();
      connection.disconnect();
    },
  };
}
