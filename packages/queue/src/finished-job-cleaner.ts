import type { Queue } from 'bullmq';
import type { ConnectionErrorReporter } from './connection-errors.ts';

export interface FinishedJobCleaner {
  /** Resolves when the pass under way (if any) has ended. */
  stop(): Promise<void>;
}

/** Jobs removed per script call: each call blocks Redis while it runs, so it stays short. */
const jobsPerPass = 1_000;

/**
 * Removes the queue's completed and failed jobs older than `retentionSeconds`, on a timer.
 * BullMQ's own `removeOnComplete: { age }` runs only when a later job finishes, so without this
 * the last jobs before a quiet spell stay in Redis long after their records expired. It looks a
 * quarter of the retention after the last look (1 s to 60 s): a job outlives its record by at
 * most that. Several processes cleaning one queue is harmless (each removal is one script).
 */
export function startFinishedJobCleaner(
  queue: Queue,
  retentionSeconds: number,
  report: ConnectionErrorReporter,
): FinishedJobCleaner {
  const retentionMs = retentionSeconds * 1_000;
  const intervalMs = Math.min(Math.max(retentionMs / 4, 1_000), 60_000);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();

  const clean = async () => {
    for (const state of ['completed', 'failed'] as const) {
      // A full pass means more may be waiting: go on until a pass comes back short.
      while (!stopped && (await queue.clean(retentionMs, jobsPerPass, state)).length === jobsPerPass);
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      pass = clean()
        .catch((error: unknown) => report(`cleaner ${queue.name}`, error))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    // The cleaner alone does not keep a process alive.
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
