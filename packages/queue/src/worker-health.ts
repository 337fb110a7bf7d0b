import type { HealthReport, SwitchyardMetrics } from '@switchyard/observability';
import type { Job, Processor, Queue, Worker } from 'bullmq';
import type { RedisClient } from './redis-connection.ts';

export interface WorkerHealthSettings {
  /**
   * A worker with free slots that has started nothing for this long while a job of its queue
   * has waited as long is taken for stuck (e.g. its blocking connection did not come back after a
   * Redis restart). 60 s is two default lock durations: a healthy worker polls every few seconds.
   */
  stuckAfterMs?: number;
}

/** Watches one hop worker: active jobs for the metrics, and whether it still takes jobs. */
export class WorkerHealth {
  private active = 0;
  private lastActivityAt = Date.now();
  private readonly stuckAfterMs: number;
  private watched: { worker: Worker; connection: RedisClient; queue: Queue } | undefined;

  readonly queueName: string;
  private readonly metrics: SwitchyardMetrics | undefined;

  constructor(queueName: string, metrics: SwitchyardMetrics | undefined, settings: WorkerHealthSettings = {}) {
    this.queueName = queueName;
    this.metrics = metrics;
    this.stuckAfterMs = settings.stuckAfterMs ?? 60_000;
  }

  /** The processor, counted: entry and exit are the only events BullMQ cannot skip (a DelayedError emits none). */
  wrap<Data, Result>(processor: Processor<Data, Result>): Processor<Data, Result> {
    // Three parameters: BullMQ passes the abort signal only to processors declared with three.
    return async (job: Job<Data, Result>, token?: string, signal?: AbortSignal) => {
      this.active += 1;
      this.lastActivityAt = Date.now();
      this.metrics?.jobStarted(this.queueName);
      try {
        return await processor(job, token, signal);
      } finally {
        this.active -= 1;
        this.lastActivityAt = Date.now();
        this.metrics?.jobEnded(this.queueName);
      }
    };
  }

  /** The worker running the wrapped processor, its connection, and its queue (to see what waits). */
  attach(worker: Worker, connection: RedisClient, queue: Queue): void {
    this.watched = { worker, connection, queue };
    // An empty poll is activity too: the worker asked Redis and got nothing.
    worker.on('drained', () => {
      this.lastActivityAt = Date.now();
    });
  }

  /**
   * Live: the worker runs, is neither paused nor closing, and is not stuck (free slots, nothing
   * started for `stuckAfterMs`, while its queue has had a job waiting at least as long).
   */
  async live(): Promise<HealthReport> {
    if (this.watched === undefined) return { healthy: false, details: { queue: this.queueName, reason: 'no worker' } };
    const { worker, connection, queue } = this.watched;
    const details: Record<string, unknown> = {
      queue: this.queueName,
      running: worker.isRunning(),
      paused: worker.isPaused(),
      closing: worker.closing !== undefined,
      activeJobs: this.active,
      concurrency: worker.concurrency,
      idleSeconds: Math.round((Date.now() - this.lastActivityAt) / 1000),
    };
    if (!worker.isRunning() || worker.isPaused() || worker.closing !== undefined)
      return { healthy: false, details: { ...details, reason: 'the worker is not taking jobs' } };
    const idleMs = Date.now() - this.lastActivityAt;
    if (idleMs < this.stuckAfterMs || this.active >= worker.concurrency || connection.status !== 'ready')
      return { healthy: true, details };
    const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
    const waitedMs = oldest === undefined ? 0 : Date.now() - (oldest.timestamp + (oldest.delay ?? 0));
    if (waitedMs >= this.stuckAfterMs)
      return {
        healthy: false,
        details: {
          ...details,
          reason: `a job has waited ${Math.round(waitedMs / 1000)} s while this worker took none`,
        },
      };
    return { healthy: true, details };
  }

  /** Ready: the worker's Redis connection is up. */
  async ready(): Promise<HealthReport> {
    const status = this.watched?.connection.status ?? 'none';
    return { healthy: status === 'ready', details: { queue: this.queueName, redis: status } };
  }
}
