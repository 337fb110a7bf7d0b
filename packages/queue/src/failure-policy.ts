import {
  MalformedJobError,
  SwitchyardError,
  classifyJobId,
  formatIssues,
  requestIdPattern,
  type RequestError,
} from '@switchyard/core';
import { DelayedError, UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { z } from 'zod';
import type { RequestStore } from './request-store.ts';

export type FailureVerdict = { action: 'retry' } | { action: 'fail'; error: RequestError };

/**
 * The one mapping from an error to what the queue does with the job:
 * - errors that say a retry can help are retried by BullMQ (attempts with backoff) until the
 *   last attempt, which fails the request;
 * - every other error fails the request at once, without retries.
 * Errors we did not raise on purpose (bugs, Redis hiccups) count as retryable: a retry is the
 * safer guess and the attempt limit bounds it.
 */
export function decideFailure(error: unknown, attemptsMade: number, attemptsAllowed: number): FailureVerdict {
  const lastAttempt = attemptsMade + 1 >= attemptsAllowed;
  if (error instanceof SwitchyardError) {
    if (error.retryable && !lastAttempt) return { action: 'retry' };
    const suffix = error.retryable ? ` (gave up after ${attemptsAllowed} attempts)` : '';
    return { action: 'fail', error: { code: error.code, message: `${error.message}${suffix}` } };
  }
  if (!lastAttempt) return { action: 'retry' };
  const message = error instanceof Error ? error.message : String(error);
  return {
    action: 'fail',
    error: { code: 'internal_error', message: `${message} (gave up after ${attemptsAllowed} attempts)` },
  };
}

/** Parses a job payload with its catalog schema; a bad payload is a malformed job. */
export function parseJobData<Schema extends z.ZodType>(schema: Schema, job: Pick<Job, 'id' | 'data'>): z.infer<Schema> {
  const result = schema.safeParse(job.data);
  if (!result.success) {
    throw new MalformedJobError(
      `job ${job.id ?? '?'} has a malformed payload: ${formatIssues(result.error.issues).join('; ')}`,
    );
  }
  return result.data;
}

/**
 * A job that contradicts its request's record: a hop, tier or job id the request never produced
 * (a job added by hand, or by a broken producer). It is failed at once and the request is left
 * alone: it is still answered by its real job.
 */
export class StrayJobError extends UnrecoverableError {
  override name = 'StrayJobError';
}

/** Jobs failed as strays in this process: the `failed` safety net must leave their requests alone too. */
const strayJobs = new WeakSet<Job>();

/**
 * Runs one hop of a request and applies the failure policy: retryable errors are rethrown for
 * BullMQ to retry; final failures are written to the request record first, then the job is
 * failed without further retries.
 */
export async function runHop<Result>(job: Job, store: RequestStore, work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    // The hop moved its job to the delayed set itself (`moveToDelayed`): it is waiting, not
    // failing, and BullMQ needs this exact error to leave the job there.
    if (error instanceof DelayedError) throw error;
    if (error instanceof StrayJobError) {
      strayJobs.add(job);
      throw error;
    }
    const verdict = decideFailure(error, job.attemptsMade, job.opts.attempts ?? 1);
    if (verdict.action === 'retry') throw error;
    const requestId = requestOf(job);
    if (requestId !== undefined) await store.fail(requestId, verdict.error);
    throw new UnrecoverableError(verdict.error.message);
  }
}

/**
 * A safety net for failures that never reach `runHop`: BullMQ fails a job that stalled too often
 * (its worker died `maxStalledCount` times) without calling the processor, and `store.fail`
 * inside `runHop` can itself fail. Whenever a job ends up failed for good, its request is failed
 * too (a no-op when `runHop` already did), so no request waits forever on a dead job.
 */
export function failRequestsOfFailedJobs<Data, Result>(
  worker: Worker<Data, Result>,
  store: RequestStore,
  onError: (error: Error, jobId: string | undefined) => void,
): void {
  worker.on('failed', (job: Job<Data, Result> | undefined, error: Error) => {
    const requestId = job === undefined ? undefined : requestOf(job);
    if (job === undefined || requestId === undefined || strayJobs.has(job)) return;
    void (async () => {
      // 'failed' also fires for attempts BullMQ will retry; only a job left in the failed set is final.
      if ((await job.getState()) !== 'failed') return;
      await store.fail(requestId, { code: 'job_failed', message: job.failedReason || error.message });
    })().catch((caught: unknown) => onError(caught instanceof Error ? caught : new Error(String(caught)), job.id));
  });
}

/**
 * The request a job may fail: the one named in its data, but only when the job's id is one
 * Switchyard derives for that request (`<requestId>-c`, `<requestId>-t<hop>`). Any job can carry a
 * real request id; only the request's own jobs can leave it waiting forever by failing, so a
 * malformed job under another id is failed alone and the request is answered by its real job.
 */
export function requestOf(job: Pick<Job, 'id' | 'data'>): string | undefined {
  const data: unknown = job.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as { requestId?: unknown }).requestId;
  if (typeof value !== 'string' || !requestIdPattern.test(value)) return undefined;
  const ownId = job.id === classifyJobId(value) || new RegExp(`^${value}-t\\d+$`).test(job.id ?? '');
  return ownId ? value : undefined;
}
