import type { QueueSnapshot } from '@switchyard/observability';
import type { Queue } from 'bullmq';

/** The BullMQ states a queue's depth is reported in. */
export const snapshotStates = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

/** Depth per state and the age of the longest-waiting job, for each queue, read at one instant. */
export async function snapshotQueues(queues: readonly Queue[], now = Date.now()): Promise<QueueSnapshot[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const [counts, oldest] = await Promise.all([
        queue.getJobCounts(...snapshotStates),
        // BullMQ pushes new jobs at the head of the wait list, so ascending order starts at the oldest.
        queue.getJobs(['waiting'], 0, 0, true),
      ]);
      const job = oldest[0];
      // A job moved to wait from delayed (a retry's backoff, a tier wait) has waited since it became due.
      const waitingSince = job === undefined ? now : job.timestamp + (job.delay ?? 0);
      return { queue: queue.name, counts, oldestWaitingAgeSeconds: Math.max(0, (now - waitingSince) / 1000) };
    }),
  );
}
