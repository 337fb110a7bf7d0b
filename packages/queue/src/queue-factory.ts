import {
  classifyQueueName,
  defaultJobOptions,
  jobCatalog,
  tierJobId,
  tierQueueName,
  type SwitchyardConfig,
  type TierJob,
} from '@switchyard/core';
import { Queue, Worker, type Processor } from 'bullmq';
import type { KeySpace } from './key-space.ts';
import type { RedisClient } from './redis-connection.ts';

/** Every queue of a configuration: `classify` and one per tier. */
export class QueueSet {
  readonly classify: Queue;
  readonly tiers: ReadonlyMap<string, Queue>;

  constructor(connection: RedisClient, keys: KeySpace, config: Pick<SwitchyardConfig, 'tiers' | 'queue'>) {
    const make = (name: string) =>
      new Queue(name, {
        connection,
        prefix: keys.queuePrefix(name),
        defaultJobOptions: defaultJobOptions(config.queue),
      });
    this.classify = make(classifyQueueName);
    this.tiers = new Map(config.tiers.map((tier) => [tier.name, make(tierQueueName(tier.name))]));
  }

  tier(name: string): Queue {
    const queue = this.tiers.get(name);
    if (!queue) throw new RangeError(`no queue for tier "${name}"`);
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
}

/** BullMQ worker with the house defaults. */
export function createWorker<Data, Result>(
  queueName: string,
  processor: Processor<Data, Result>,
  settings: WorkerSettings,
): Worker<Data, Result> {
  return new Worker<Data, Result>(queueName, processor, {
    connection: settings.connection,
    prefix: settings.keys.queuePrefix(queueName),
    concurrency: settings.concurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.lockDurationMs,
    // Stalled jobs (their worker died) are retried rather than failed: delivery is at-least-once
    // and every hop is idempotent.
    maxStalledCount: 5,
    autorun: true,
  });
}
