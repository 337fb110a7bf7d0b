import { z } from 'zod';

/** Feedback on answers (`POST /v1/requests/:id/feedback`) and the quality monitor built from it. */
export const feedbackSchema = z.strictObject({
  /** A score below this is "low": counted in the share below threshold, and a suspected misroute under the top tier. */
  lowScore: z.number().min(0).max(1).default(0.5),
  /** Longest comment accepted, in characters. */
  maxCommentChars: z.number().int().positive().max(10_000).default(1_000),
  /** Days feedback and quality totals are kept. */
  retentionDays: z.number().int().positive().default(400),
});

/** Drift of the traffic per tier: the last hour's shares against the last day's. */
export const driftSchema = z.strictObject({
  /** Warn when a tier's share over the last hour differs from its share over the last day by more than this. */
  warnShare: z.number().gt(0).max(1).default(0.15),
  /** How often the API checks, in seconds (0: never; stats still show the figures). */
  checkEverySeconds: z.number().int().min(0).default(300),
  /** Fewer requests than this in the last hour: too few to call it drift, no warning. */
  minRequests: z.number().int().min(1).default(20),
});

export type FeedbackConfig = z.infer<typeof feedbackSchema>;
export type DriftConfig = z.infer<typeof driftSchema>;
