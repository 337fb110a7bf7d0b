import { z } from 'zod';

export const thinkingEfforts = ['low', 'medium', 'high'] as const;
export type ThinkingEffort = (typeof thinkingEfforts)[number];

/** Anthropic refuses a `budget_tokens` below this with a 400. */
export const minThinkingBudgetTokens = 1_024;

/**
 * Extended thinking (Anthropic) or reasoning effort (OpenAI) of the calls of a tier or route.
 * Give either or both: each adapter uses the field its API takes and derives the other from the
 * mapping below. The budget comes on top of the answer's output limit (see `thinkingOutputLimit`).
 */
export const thinkingSchema = z
  .strictObject({
    /** OpenAI's `reasoning_effort`; for Anthropic, the budget it stands for when no budget is given. */
    effort: z.enum(thinkingEfforts).optional(),
    /** Anthropic's `budget_tokens`: tokens the model may spend thinking before it answers. */
    budgetTokens: z
      .number()
      .int()
      .min(minThinkingBudgetTokens, `must be at least ${minThinkingBudgetTokens} (Anthropic's minimum)`)
      .optional(),
  })
  .refine((thinking) => thinking.effort !== undefined || thinking.budgetTokens !== undefined, {
    message: 'needs effort, budgetTokens or both',
  });

export type ThinkingConfig = z.infer<typeof thinkingSchema>;

/** What a provider call is sent: both fields always set, each adapter takes the one it speaks. */
export interface ThinkingSetting {
  effort: ThinkingEffort;
  budgetTokens: number;
}

/**
 * The budget an effort stands for. Sized so that the top tier's default Claude model (32,000
 * output tokens at most) still fits the budget plus an 8,192-token answer limit at `high`.
 */
const effortBudgetTokens: Record<ThinkingEffort, number> = { low: 2_048, medium: 8_192, high: 16_384 };

/** The effort a budget stands for: below 4,096 `low`, below 16,384 `medium`, else `high` (round trips the table). */
export function effortForBudget(budgetTokens: number): ThinkingEffort {
  if (budgetTokens < 4_096) return 'low';
  if (budgetTokens < 16_384) return 'medium';
  return 'high';
}

function settingOf(thinking: ThinkingConfig): ThinkingSetting {
  const budgetTokens = thinking.budgetTokens ?? effortBudgetTokens[thinking.effort ?? 'low'];
  return { effort: thinking.effort ?? effortForBudget(budgetTokens), budgetTokens };
}

/**
 * The thinking of one call: the route's setting when it has one (`false`: none on this route),
 * else the tier's; undefined means the call is sent without any thinking field.
 */
export function resolveThinking(
  tier: { thinking?: ThinkingConfig | undefined },
  route: { thinking?: ThinkingConfig | false | undefined } | undefined,
): ThinkingSetting | undefined {
  const chosen = route?.thinking ?? tier.thinking;
  return chosen === undefined || chosen === false ? undefined : settingOf(chosen);
}

/**
 * The most thinking tokens a call on `tier` may spend, whatever route the request turns out to
 * have (budget estimates are made before classification): 0 when no route thinks there.
 */
export function mostThinkingTokens(
  tier: { thinking?: ThinkingConfig | undefined },
  routes: readonly { thinking?: ThinkingConfig | false | undefined }[],
): number {
  const settings = [resolveThinking(tier, undefined), ...routes.map((route) => resolveThinking(tier, route))];
  return Math.max(0, ...settings.map((setting) => setting?.budgetTokens ?? 0));
}

/**
 * The output limit to send with thinking on: the answer's own limit plus the budget. Both APIs
 * count thinking against that limit (Anthropic also requires `budget_tokens < max_tokens`), so a
 * request's `max_tokens` keeps bounding the answer, and a small one cannot be used up by thinking.
 */
export function thinkingOutputLimit(answerLimit: number, thinking: ThinkingSetting): number {
  return answerLimit + thinking.budgetTokens;
}
