import {
  UnrecoverableError,
  Worker,
  type BackoffOptions,
  type Job,
  type JobJson,
  type Processor,
  type WorkerOptions,
} from 'bullmq';

/** What the worker enforces on every job, whatever the job's own options say. */
export interface JobLimits {
  attempts: number;
  backoff: BackoffOptions;
}

/**
 * A BullMQ worker that does not trust what a job says about itself.
 *
 * - Attempts and backoff come from the configuration: BullMQ decides retries from the job's own
 *   options, so a job added with `attempts: 1e6, backoff: 0` would otherwise be retried thousands
 *   of times a minute.
 * - A job whose stored data is not JSON is failed at once, with its id in the reason. BullMQ
 *   parses the data after moving the job to active and, when that throws, emits a worker error
 *   without the job id and leaves the job active until the stalled check moves it back to wait,
 *   over and over.
 */
export class HouseWorker<Data, Result> extends Worker<Data, Result> {
  private readonly limits: JobLimits | undefined;
  private readonly unparseable = new WeakMap<Job, string>();

  constructor(name: string, processor: Processor<Data, Result>, options: WorkerOptions, limits?: JobLimits) {
    super(name, processor, options);
    // Set before any job is processed: the worker started by the constructor first waits on Redis.
    this.limits = limits;
  }

  protected override createJob(data: JobJson, jobId: string): Job<Data, Result, string> {
    try {
      return super.createJob(data, jobId);
    } catch (error) {
      // The job keeps its id, name and options; only its data is replaced, so it can be failed normally.
      const job = super.createJob({ ...data, data: 'null' }, jobId);
      this.unparseable.set(job, error instanceof Error ? error.message : String(error));
      return job;
    }
  }

  protected override callProcessJob(job: Job<Data, Result, string>, token: string, signal?: AbortSignal) {
    const unparseable = this.unparseable.get(job);
    if (unparseable !== undefined)
      return Promise.reject(new UnrecoverableError(`job ${job.id ?? '?'} has data that is not JSON: ${unparseable}`));
    if (this.limits !== undefined) {
      job.opts.attempts = this.limits.attempts;
      job.opts.backoff = this.limits.backoff;
    }
    return super.callProcessJob(job, token, signal);
  }
}
