import type { SwitchyardMetrics } from '@switchyard/observability';
import type { Processor, Worker } from 'bullmq';
import { failRequestsOfFailedJobs } from './failure-policy.ts';
import { startFinishedJobCleaner } from './finished-job-cleaner.ts';
import type { QueueRuntime } from './queue-runtime.ts';
import { createWorker } from './queue-factory.ts';
import { createRedis } from './redis-connection.ts';
import { WorkerHealth } from './worker-health.ts';

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
  /** The process's metrics: active jobs of this queue are counted there. */
  metrics?: SwitchyardMetrics | undefined;
}

export interface HopWorker<Data, Result> {
  worker: Worker<Data, Result>;
  /** Whether the worker still takes jobs (liveness) and reaches Redis (readiness). */
  health: WorkerHealth;
  /**
   * Stops taking jobs and waits for the ones in flight to finish or be handed back, for at most
   * `deadlineMs`; past it the worker lets go of them (their locks expire and another worker runs
   * them again: delivery is at-least-once, every hop idempotent).
   */
  close(deadlineMs?: number): Promise<void>;
}

/**
 * A worker for one stage of the request path (classify, or a tier), as every Switchyard process
 * runs it: a blocking connection of its own, failures logged, a request failed whenever its
 * job is failed for good, and finished jobs removed once their records' retention is over.
 */
export function startHopWorker<Data, Result>(
  queueName: string,
  processor: Processor<Data, Result>,
  settings: HopWorkerSettings,
): HopWorker<Data, Result> {
  const { runtime, logger } = settings;
  // Workers block on Redis, so they get a connection of their own with worker settings.
  const connection = createRedis(runtime.redisUrl, 'worker', settings.connectionName, runtime.report);
  const health = new WorkerHealth(queueName, settings.metrics);
  const worker = createWorker(queueName, health.wrap(processor), {
    connection,
    keys: runtime.keys,
    concurrency: settings.concurrency,
    lockDurationMs: settings.lockDurationMs,
    queue: runtime.settings,
    report: runtime.report,
  });
  const queue = runtime.queues.all().find((candidate) => candidate.name === queueName);
  if (queue !== undefined) health.attach(worker as Worker, connection, queue);
  worker.on('failed', (job, error) => logger.warn({ queue: queueName, jobId: job?.id, err: error }, 'job-failed'));
  failRequestsOfFailedJobs(worker, runtime.store, (error, jobId) =>
    logger.error({ jobId, err: error }, 'request-fail-error'),
  );
  // Worker errors (connection trouble, mostly) go to the runtime's reporter (`createWorker`): one
  // redacted line each, never the error object, which can hold the password of an AUTH.
  const cleaner = startFinishedJobCleaner(
    runtime.queues.named(queueName),
    runtime.settings.retentionSeconds,
    runtime.report,
  );
  return {
    worker,
    health,
    async close(deadlineMs = Number.POSITIVE_INFINITY) {
      await cleaner.stop();
      // BullMQ hands the processor's abort signal only to cancelled jobs, not to a closing worker:
      // cancelling lets a processor that takes the signal (a provider call) stop and hand its hop
      // back, instead of holding shutdown open until it finishes.
      worker.cancelAllJobs('worker closing');
      const closed = worker.close();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        if (Number.isFinite(deadlineMs)) timer = setTimeout(() => resolve('late'), deadlineMs);
      });
      const outcome = await Promise.race([closed.then(() => 'closed' as const), late]);
      clearTimeout(timer);
      // Past the deadline the jobs still running are let go: BullMQ has no way to abandon a close
      // under way, so its connection is dropped and the close left behind (the process exits next).
      if (outcome === 'late') logger.warn({ queue: queueName, deadlineMs }, 'worker-close-deadline');
      connection.disconnect();
    },
  };
}
