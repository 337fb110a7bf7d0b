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

export type FeedbackConfig = z.infer<typeof feedbackSchema>;
