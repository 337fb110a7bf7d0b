import type { ChatMessage, ThinkingSetting, TokenUsage } from '@switchyard/core';

/** Why the model stopped, in one vocabulary across providers. */
export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'other';

export interface GenerateRequest {
  model: string;
  /** The conversation without system messages. */
  messages: ChatMessage[];
  system?: string;
  maxOutputTokens?: number;
  temperature?: number;
  /** Ask for a JSON object answer where the provider supports it. */
  json?: boolean;
  /** Sequences at which the model stops; they are not part of the answer. */
  stop?: string[];
  /**
   * Extended thinking (Anthropic `thinking`) or reasoning effort (OpenAI `reasoning_effort`); absent,
   * neither is sent. `maxOutputTokens` still bounds the answer: adapters send it plus the budget.
   */
  thinking?: ThinkingSetting;
}

export interface GenerateResult {
  /** The answer alone: thinking is never part of it. */
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** The provider's own id of the response, when it gives one. */
  providerResponseId?: string;
  /** True only for the simulated provider: the text is not a model's answer. */
  simulated: boolean;
}

export interface GenerateOptions {
  /** Aborting it must abort the underlying HTTP call. */
  signal?: AbortSignal;
  /**
   * Given, the adapter streams from the provider and calls this with each piece of answer text as
   * it arrives (never thinking); the result is still the whole answer. Pieces of a call that then fails were not an
   * answer: the caller decides what to do with them.
   */
  onText?: (text: string) => void;
}

/**
 * The one interface the executor knows. Adapters map their vendor's errors to
 * `ProviderError` (from `@switchyard/core`) with a retry verdict and `Retry-After`.
 */
export interface ProviderAdapter {
  /** Endpoint name from the config's `providers` section, e.g. `anthropic`. */
  readonly name: string;
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
}
