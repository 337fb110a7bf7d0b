import type { DeploymentConfig } from './config-schema.ts';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

const perMillion = 1_000_000;

/** USD cost of one call, from the deployment's price table. */
export function costUsd(
  deployment: Pick<DeploymentConfig, 'inputPerMTok' | 'outputPerMTok'>,
  usage: TokenUsage,
): number {
  return (usage.inputTokens * deployment.inputPerMTok + usage.outputTokens * deployment.outputPerMTok) / perMillion;
}

/** Sum of token counts, for a request's total over its attempts. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

/** Rounds money for display and storage without float noise (1e-9 USD is far below any price step). */
export function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
