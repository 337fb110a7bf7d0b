import type { DeploymentConfig } from './config-schema.ts';

export interface TokenUsage {
  inputTokens: number;
  /** Every generated token, thinking included: both Anthropic and OpenAI bill thinking as output. */
  outputTokens: number;
  /**
   * Of `outputTokens`, those spent on extended thinking / reasoning, when the call spent any.
   * Shown apart, never priced apart: they are already inside `outputTokens`.
   */
  thinkingTokens?: number;
}

const perMillion = 1_000_000;

/** USD cost of one call, from the deployment's price table; thinking is priced as the output it is part of. */
export function costUsd(
  deployment: Pick<DeploymentConfig, 'inputPerMTok' | 'outputPerMTok'>,
  usage: TokenUsage,
): number {
  return (usage.inputTokens * deployment.inputPerMTok + usage.outputTokens * deployment.outputPerMTok) / perMillion;
}

/** Sum of token counts, for a request's total over its attempts. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  const sum: TokenUsage = { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
  if (a.thinkingTokens !== undefined || b.thinkingTokens !== undefined)
    sum.thinkingTokens = (a.thinkingTokens ?? 0) + (b.thinkingTokens ?? 0);
  return sum;
}

/** Rounds money for display and storage without float noise (1e-9 USD is far below any price step). */
export function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
