import type { FinishReason } from '../contract.ts';

/**
 * OpenAI's `finish_reason` in the contract's vocabulary. Typed as a string, not the SDK's union:
 * OpenAI-compatible servers send values of their own (llama.cpp and vLLM have sent `eos`, `abort`).
 */
export function mapOpenAIFinishReason(finishReason: string | null | undefined): FinishReason {
  switch (finishReason) {
    case 'stop':
    case 'eos':
      return 'stop';
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return 'other';
  }
}
