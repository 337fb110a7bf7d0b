import type Anthropic from '@anthropic-ai/sdk';
import type { FinishReason } from '../contract.ts';

/**
 * Anthropic's `stop_reason` in the contract's vocabulary. Running out of context is a truncation
 * like `max_tokens`; `pause_turn` (a server tool paused a long turn) is neither a finish nor a
 * truncation, so it is `other`.
 */
export function mapAnthropicStopReason(stopReason: Anthropic.StopReason | null): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'refusal':
      return 'content_filter';
    case 'tool_use':
      return 'tool_calls';
    default:
      return 'other';
  }
}
