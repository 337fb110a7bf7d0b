import { z } from 'zod';
import type { SwitchyardConfig } from './config-schema.ts';
import { requestIdPattern } from './ids.ts';

/**
 * The one place that says which queues exist, what their jobs carry and how they are retried.
 * Producers and consumers both validate payloads with these schemas.
 */
export const classifyQueueName = 'classify';
export const tierQueueName = (tier: string): string => `tier.${tier}`;

const requestId = z.string().regex(requestIdPattern, 'must be a request id (req_...)');

export const classifyJobSchema = z.strictObject({ requestId });

/** What an escalated job carries about the attempts before it. */
export const attemptSummarySchema = z.strictObject({
  hop: z.number().int().min(0),
  tier: z.string(),
  deployment: z.string(),
  qualityScore: z.number(),
  reason: z.string().optional(),
  costUsd: z.number(),
  answerSummary: z.string(),
});

export const tierJobSchema = z.strictObject({
  requestId,
  /** 0 for the first tier run, +1 per escalation. */
  hop: z.number().int().min(0),
  tier: z.string(),
  history: z.array(attemptSummarySchema),
});

/** The first tier hop of a classified request. */
export const firstTierJob = (requestId: string, tier: string): TierJob => ({ requestId, hop: 0, tier, history: [] });

export type ClassifyJob = z.infer<typeof classifyJobSchema>;
export type TierJob = z.infer<typeof tierJobSchema>;
export type AttemptSummary = z.infer<typeof attemptSummarySchema>;

export const jobCatalog = {
  classify: { jobName: 'classify', schema: classifyJobSchema },
  tier: { jobName: 'execute', schema: tierJobSchema },
} as const;

/**
 * House job options: bounded retries with backoff, finished jobs kept as long as records.
 *
 * Finished jobs are kept for the retention period so that re-adding the same job id (a
 * redelivered hop) is a no-op instead of a second run; past it the record is gone and the job
 * has nothing left to protect. BullMQ applies these limits only when another job finishes, so
 * workers also remove expired jobs on a timer (`startFinishedJobCleaner`): on a quiet system
 * Redis returns to its baseline. The count caps memory under heavy traffic; a redelivered hop
 * whose job was dropped by the count still finds its answer on the record.
 */
export function defaultJobOptions(queue: SwitchyardConfig['queue']) {
  const kept = { age: queue.retentionSeconds, count: queue.finishedJobsKept };
  return {
    attempts: queue.attempts,
    backoff: { type: 'exponential' as const, delay: queue.backoffMs },
    removeOnComplete: kept,
    removeOnFail: kept,
  };
}
