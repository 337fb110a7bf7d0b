import {
  classifyQueueName,
  defaultJobOptions,
  jobCatalog,
  tierJobId,
  tierQueueName,
  type SwitchyardConfig,
  type TierJob,
} from '@switchyard/core';
import { Queue, type Processor, type Worker } from 'bullmq';
import { reportErrorsOf, type ConnectionErrorReporter } from './connection-errors.ts';
import { HouseWorker } from './house-worker.ts';
import type { KeySpace } from './key-space.ts';
import { defaultReporter, type RedisClient } from './redis-connection.ts';

/** Every queue of a configuration: `classify` and one per tier. */
export class QueueSet {
  readonly classify: Queue;
  readonly tiers: ReadonlyMap<string, Queue>;

  constructor(
    connection: RedisClient,
    keys: KeySpace,
    config: Pick<SwitchyardConfig, 'tiers' | 'queue'>,
    report: ConnectionErrorReporter,
  ) {
    const make = (name: string) =>
      reportErrorsOf(
        new Queue(name, {
          connection,
          prefix: keys.queuePrefix(name),
          defaultJobOptions: defaultJobOptions(config.queue),
        }),
        `queue ${name}`,
        report,
      );
    this.classify = make(classifyQueueName);
    this.tiers = new Map(config.tiers.map((tier) => [tier.name, make(tierQueueName(tier.name))]));
  }

  tier(name: string): Queue {
    const queue = this.tiers.get(name);
    if (!queue) throw new RangeError(`no queue for tier "${name}"`);
    return queue;
  }

  /** The queue called `queueName` (`classify` or `tier.<name>`). */
  named(queueName: string): Queue {
    const queue = this.all().find((candidate) => candidate.name === queueName);
    if (!queue) throw new RangeError(`no queue "${queueName}"`);
    return queue;
  }

  /**
   * The one place a tier hop is enqueued (first hop from the classifier or the sync path, every
   * escalation). The job id is derived from the request and the hop, so enqueuing the same hop
   * again (a worker that crashed after enqueuing, before finishing its own job) is a no-op.
   */
  async enqueueHop(job: TierJob): Promise<void> {
    await this.tier(job.tier).add(jobCatalog.tier.jobName, job, { jobId: tierJobId(job.requestId, job.hop) });
  }

  all(): Queue[] {
    return [this.classify, ...this.tiers.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
  }
}

export interface WorkerSettings {
  connection: RedisClient;
  keys: KeySpace;
  concurrency: number;
  /**
   * How long a job stays locked to a worker without a heartbeat (`queue.lockDurationMs`). The
   * lock is renewed while the job runs, so a slow provider call keeps it; a killed worker's job
   * is found by the stalled-job check, which runs as often.
   */
  lockDurationMs: number;
  /**
   * Attempts and backoff of the configuration, enforced on every job (see `HouseWorker`); hop
   * workers always give them. Without, jobs keep their own.
   */
  queue?: Pick<SwitchyardConfig['queue'], 'attempts' | 'backoffMs'>;
  /** Where the worker's errors go; without, a logger of its own (see `createRedis`). */
  report?: ConnectionErrorReporter;
}

/** BullMQ worker with the house defaults. */
export function createWorker<Data, Result>(
  queueName: string,
  processor: Processor<Data, Result>,
  settings: WorkerSettings,
): Worker<Data, Result> {
  const worker = new HouseWorker<Data, Result>(
    queueName,
    processor,
    {
      connection: settings.connection,
      prefix: settings.keys.queuePrefix(queueName),
      concurrency: settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.lockDurationMs,
      // Stalled jobs (their worker died) are retried rather than failed: delivery is at-least-once
      // and every hop is idempotent.
      maxStalledCount: 5,
      autorun: true,
    },
    settings.queue === undefined
      ? undefined
      : { attempts: settings.queue.attempts, backoff: { type: 'exponential', delay: settings.queue.backoffMs } },
  );
  return reportErrorsOf(worker, `worker ${queueName}`, settings.report ?? defaultReporter(''));
}
