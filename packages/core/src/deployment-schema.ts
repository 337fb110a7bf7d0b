import { z } from 'zod';

/** One model on one provider endpoint, with its prices. */
export const deploymentSchema = z.strictObject({
  /** Key into `providers`; the provider entry says which adapter serves it. */
  provider: z.string().min(1),
  model: z.string().min(1),
  /** Price in USD per million input tokens. */
  inputPerMTok: z.number().nonnegative(),
  /** Price in USD per million output tokens. */
  outputPerMTok: z.number().nonnegative(),
  maxOutputTokens: z.number().int().positive().optional(),
});
