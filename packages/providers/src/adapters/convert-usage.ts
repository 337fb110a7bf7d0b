import type { TokenUsage } from '@switchyard/core';

/**
 * Anthropic bills cached prompt tokens apart from `input_tokens`; all three are input the
 * request paid for, so all three are counted (cache discounts are not priced yet).
 */
export function convertAnthropicUsage(usage: {
  input_tokens: number | null;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}): TokenUsage {
  return {
    inputTokens:
      (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
    outputTokens: usage.output_tokens,
  };
}

/**
 * OpenAI's usage block, or an estimate (4 characters a token) when the server sent none: some
 * OpenAI-compatible servers omit usage, and a call recorded as free would skew every cost report.
 */
export function convertOpenAIUsage(
  usage: { prompt_tokens: number; completion_tokens: number } | null | undefined,
  promptText: string,
  answerText: string,
): TokenUsage {
  if (usage) return { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
  return { inputTokens: estimateTokens(promptText), outputTokens: estimateTokens(answerText) };
}

/** Rough token count of a text: about 4 characters a token for English. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
