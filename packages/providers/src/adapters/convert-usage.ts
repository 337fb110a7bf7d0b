import type { TokenUsage } from '@switchyard/core';

/**
 * Anthropic bills cached prompt tokens apart from `input_tokens`; all three are input the
 * request paid for, so all three are counted (cache discounts are not priced yet).
 *
 * Thinking is billed inside `output_tokens`; `output_tokens_details.thinking_tokens` says how much
 * of it was thinking. Without that detail (older API versions) the count is estimated from the
 * thinking text, which can be a summary of longer reasoning: an undercount, never more than the output.
 */
export function convertAnthropicUsage(
  usage: {
    input_tokens: number | null;
    output_tokens: number;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
    output_tokens_details?: { thinking_tokens?: number | null } | null;
  },
  thinkingText = '',
): TokenUsage {
  const converted: TokenUsage = {
    inputTokens:
      (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
    outputTokens: usage.output_tokens,
  };
  const reported = usage.output_tokens_details?.thinking_tokens;
  const thinkingTokens =
    typeof reported === 'number'
      ? reported
      : thinkingText === ''
        ? 0
        : Math.min(estimateTokens(thinkingText), usage.output_tokens);
  if (thinkingTokens > 0) converted.thinkingTokens = thinkingTokens;
  return converted;
}

/**
 * OpenAI's usage block, or an estimate (4 characters a token) when the server sent none: some
 * OpenAI-compatible servers omit usage, and a call recorded as free would skew every cost report.
 * Reasoning tokens are billed inside `completion_tokens`; `completion_tokens_details` says how many.
 */
export function convertOpenAIUsage(
  usage:
    | {
        prompt_tokens: number;
        completion_tokens: number;
        completion_tokens_details?: { reasoning_tokens?: number | null } | null;
      }
    | null
    | undefined,
  promptText: string,
  answerText: string,
): TokenUsage {
  if (!usage) return { inputTokens: estimateTokens(promptText), outputTokens: estimateTokens(answerText) };
  const converted: TokenUsage = { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
  const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens ?? 0;
  if (reasoningTokens > 0) converted.thinkingTokens = reasoningTokens;
  return converted;
}

/** Rough token count of a text: about 4 characters a token for English. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
