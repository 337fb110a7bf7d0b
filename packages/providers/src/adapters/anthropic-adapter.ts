import Anthropic from '@anthropic-ai/sdk';
import { ConfigError, thinkingOutputLimit } from '@switchyard/core';
import type { GenerateOptions, GenerateRequest, GenerateResult, ProviderAdapter } from '../contract.ts';
import { convertAnthropicUsage } from './convert-usage.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';
import {
  abortReason,
  badResponseError,
  connectionError,
  providerErrorFromHttp,
  providerErrorFromStream,
  timeoutError,
} from '../provider-error-mapping.ts';

export interface AnthropicAdapterOptions {
  /** Endpoint name from the config's `providers` section. */
  name: string;
  apiKey: string | undefined;
  /** Default: Anthropic's API. Given explicitly so the SDK never falls back to `ANTHROPIC_BASE_URL`. */
  baseURL?: string | undefined;
  timeoutMs: number;
  /** Read the answer as server-sent events instead of one JSON body. */
  stream: boolean;
  /** Seam for tests and proxies: the `fetch` the SDK calls. */
  fetch?: typeof fetch;
}

const defaultBaseURL = 'https://api.anthropic.com';
/** The Messages API requires `max_tokens`; used when neither the request nor the deployment sets one. */
const defaultMaxTokens = 4_096;
/** Anthropic has no JSON mode; said in the system prompt instead, and the quality gate checks the answer. */
const jsonInstruction = 'Answer with one JSON object and nothing else.';

/**
 * Anthropic Messages API through `@anthropic-ai/sdk`, with the SDK's own retries off: the tier's
 * fallback chain and BullMQ attempts are the only retries.
 *
 * Temperature is not sent: API version 2026-10-21 (what SDK 1.x speaks) refuses `temperature`,
 * `top_p` and `top_k` with a 400, even at their defaults.
 */
export function createAnthropicAdapter(options: AnthropicAdapterOptions): ProviderAdapter {
  if (options.apiKey === undefined || options.apiKey === '') {
    // Without a key the SDK would go looking for credentials on disk and in the environment.
    throw new ConfigError(`providers.${options.name}.apiKeyEnv: type "anthropic" needs an API key`);
  }
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? defaultBaseURL,
    maxRetries: 0,
    timeout: options.timeoutMs,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const { name } = options;

  return {
    name,
    async generate(request: GenerateRequest, generateOptions: GenerateOptions = {}): Promise<GenerateResult> {
      const params = toMessageParams(request);
      const requestOptions = generateOptions.signal === undefined ? {} : { signal: generateOptions.signal };
      let message: Anthropic.Message;
      try {
        const { onText } = generateOptions;
        if (options.stream || onText !== undefined) {
          const stream = client.messages.stream(params, requestOptions);
          // `text` fires for `text_delta` only: `thinking_delta` events never reach the answer stream.
          if (onText !== undefined) stream.on('text', (piece) => onText(piece));
          message = await stream.finalMessage();
        } else {
          message = await client.messages.create(params, requestOptions);
        }
      } catch (error) {
        throw mapAnthropicError(name, error, generateOptions.signal, options.timeoutMs);
      }
      if (!Array.isArray(message.content)) throw badResponseError(name, 'no content blocks');
      // Thinking blocks come before the text: counted, never part of the answer.
      const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      const thinking = message.content.map((block) => (block.type === 'thinking' ? block.thinking : '')).join('');
      const result: GenerateResult = {
        text,
        finishReason: mapAnthropicStopReason(message.stop_reason),
        usage: convertAnthropicUsage(message.usage, thinking),
        simulated: false,
      };
      if (typeof message.id === 'string') result.providerResponseId = message.id;
      return result;
    },
  };
}

function toMessageParams(request: GenerateRequest): Anthropic.MessageCreateParamsNonStreaming {
  // The contract passes system text apart; a stray system message in the conversation joins it.
  const systemParts = [
    request.system,
    ...request.messages.filter((message) => message.role === 'system').map((message) => message.content),
  ];
  if (request.json === true) systemParts.push(jsonInstruction);
  const system = systemParts.filter((part): part is string => part !== undefined && part !== '').join('\n\n');
  const messages: Anthropic.MessageParam[] = request.messages.flatMap((message) =>
    message.role === 'system' ? [] : [{ role: message.role, content: message.content }],
  );
  const answerLimit = request.maxOutputTokens ?? defaultMaxTokens;
  const { thinking } = request;
  return {
    model: request.model,
    // Thinking counts against `max_tokens`, which must exceed `budget_tokens`: the budget goes on top.
    max_tokens: thinking === undefined ? answerLimit : thinkingOutputLimit(answerLimit, thinking),
    ...(thinking === undefined ? {} : { thinking: { type: 'enabled' as const, budget_tokens: thinking.budgetTokens } }),
    messages,
    ...(system === '' ? {} : { system }),
    ...(request.stop === undefined || request.stop.length === 0 ? {} : { stop_sequences: request.stop }),
  };
}

function mapAnthropicError(name: string, error: unknown, signal: AbortSignal | undefined, timeoutMs: number): Error {
  if (error instanceof Anthropic.APIUserAbortError) return abortReason(name, signal, error);
  if (error instanceof Anthropic.APIConnectionTimeoutError) return timeoutError(name, timeoutMs, error);
  if (error instanceof Anthropic.APIConnectionError) return connectionError(name, error);
  if (error instanceof Anthropic.APIError && error.status !== undefined) {
    return providerErrorFromHttp(name, {
      status: error.status,
      headers: error.headers,
      providerMessage: error.apiMessage ?? error.message,
      type: error.type ?? undefined,
      cause: error,
    });
  }
  if (error instanceof Anthropic.APIError) {
    // An `event: error` inside a stream that had begun as a 200 (e.g. `overloaded_error`).
    return providerErrorFromStream(name, {
      type: error.type ?? undefined,
      providerMessage: error.apiMessage ?? error.message,
      cause: error,
    });
  }
  // A stream that broke mid-answer surfaces as a plain error from the SDK's stream reader.
  if (signal?.aborted === true) return abortReason(name, signal, error);
  return connectionError(name, error);
}
