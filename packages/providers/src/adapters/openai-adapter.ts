import { ProviderError, thinkingOutputLimit } from '@switchyard/core';
import OpenAI from 'openai';
import type { GenerateOptions, GenerateRequest, GenerateResult, ProviderAdapter } from '../contract.ts';
import { convertOpenAIUsage } from './convert-usage.ts';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.ts';
import {
  abortReason,
  badResponseError,
  connectionError,
  providerErrorFromHttp,
  providerErrorFromStream,
  timeoutError,
} from '../provider-error-mapping.ts';

export interface OpenAIAdapterOptions {
  /** Endpoint name from the config's `providers` section. */
  name: string;
  /** Optional: local OpenAI-compatible servers (Ollama, llama.cpp, vLLM without `--api-key`) need none. */
  apiKey: string | undefined;
  /** Any OpenAI-compatible server (`http://localhost:11434/v1` for Ollama); default: OpenAI's API. */
  baseURL?: string | undefined;
  timeoutMs: number;
  /** Read the answer as server-sent events instead of one JSON body. */
  stream: boolean;
  /** Which field carries the output limit (see `providers.*.maxTokensField`). */
  maxTokensField?: 'max_completion_tokens' | 'max_tokens' | undefined;
  /** Seam for tests and proxies: the `fetch` the SDK calls. */
  fetch?: typeof fetch;
}

const defaultBaseURL = 'https://api.openai.com/v1';
// The SDK refuses to start without a key and would otherwise read OPENAI_API_KEY from the
// environment; servers without authentication ignore whatever bearer token they get.
const keylessPlaceholder = 'no-key';

/**
 * OpenAI Chat Completions through the `openai` SDK, which with a `baseURL` serves every
 * OpenAI-compatible server. The SDK's own retries are off: the tier's fallback chain and BullMQ
 * attempts are the only retries.
 */
export function createOpenAIAdapter(options: OpenAIAdapterOptions): ProviderAdapter {
  const client = new OpenAI({
    apiKey: options.apiKey === undefined || options.apiKey === '' ? keylessPlaceholder : options.apiKey,
    baseURL: options.baseURL ?? defaultBaseURL,
    maxRetries: 0,
    timeout: options.timeoutMs,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const { name } = options;
  const maxTokensField =
    options.maxTokensField ?? (options.baseURL === undefined ? 'max_completion_tokens' : 'max_tokens');

  async function complete(
    params: OpenAI.ChatCompletionCreateParamsNonStreaming,
    signal: AbortSignal | undefined,
    prompt: string,
  ): Promise<GenerateResult> {
    const completion = await client.chat.completions.create(params, signal === undefined ? {} : { signal });
    const choice = completion.choices?.[0];
    if (choice === undefined) throw badResponseError(name, 'no choices');
    const refused = choice.message.content === null && typeof choice.message.refusal === 'string';
    const text = refused ? (choice.message.refusal ?? '') : (choice.message.content ?? '');
    return {
      text,
      finishReason: refused ? 'content_filter' : mapOpenAIFinishReason(choice.finish_reason),
      usage: convertOpenAIUsage(completion.usage, prompt, text),
      providerResponseId: completion.id,
      simulated: false,
    };
  }

  async function streamed(
    params: OpenAI.ChatCompletionCreateParamsNonStreaming,
    signal: AbortSignal | undefined,
    prompt: string,
    onText?: (text: string) => void,
  ): Promise<GenerateResult> {
    const stream = await client.chat.completions.create(
      // Usage arrives in one last chunk, and only when asked for.
      { ...params, stream: true, stream_options: { include_usage: true } },
      signal === undefined ? {} : { signal },
    );
    let text = '';
    let finishReason: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let id: string | undefined;
    for await (const chunk of stream) {
      id ??= chunk.id;
      const choice = chunk.choices?.[0];
      const piece = choice?.delta?.content ?? '';
      text += piece;
      if (piece !== '') onText?.(piece);
      finishReason = choice?.finish_reason ?? finishReason;
      usage = chunk.usage ?? usage;
    }
    // SDK 7.x ends the loop without an error when the signal aborts mid-stream: what arrived
    // until then is not an answer.
    signal?.throwIfAborted();
    // A stream that ends without a finish reason was cut off, not finished.
    if (finishReason === undefined || finishReason === null)
      throw badResponseError(name, 'the stream ended without a finish reason');
    const result: GenerateResult = {
      text,
      finishReason: mapOpenAIFinishReason(finishReason),
      usage: convertOpenAIUsage(usage, prompt, text),
      simulated: false,
    };
    if (id !== undefined) result.providerResponseId = id;
    return result;
  }

  return {
    name,
    async generate(request: GenerateRequest, generateOptions: GenerateOptions = {}): Promise<GenerateResult> {
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        ...(request.system === undefined || request.system === ''
          ? []
          : [{ role: 'system' as const, content: request.system }]),
        ...request.messages.map((message) => ({ role: message.role, content: message.content })),
      ];
      const { thinking, maxOutputTokens } = request;
      // Reasoning counts against the output limit: the budget goes on top, so the answer keeps its own.
      const limit =
        maxOutputTokens === undefined || thinking === undefined
          ? maxOutputTokens
          : thinkingOutputLimit(maxOutputTokens, thinking);
      const params: OpenAI.ChatCompletionCreateParamsNonStreaming = {
        model: request.model,
        messages,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(limit === undefined ? {} : { [maxTokensField]: limit }),
        ...(thinking === undefined ? {} : { reasoning_effort: thinking.effort }),
        ...(request.json === true ? { response_format: { type: 'json_object' as const } } : {}),
        ...(request.stop === undefined || request.stop.length === 0 ? {} : { stop: request.stop }),
      };
      const prompt = messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
      try {
        const { signal, onText } = generateOptions;
        if (options.stream || onText !== undefined) return await streamed(params, signal, prompt, onText);
        return await complete(params, signal, prompt);
      } catch (error) {
        throw mapOpenAIError(name, error, generateOptions.signal, options.timeoutMs);
      }
    },
  };
}

function mapOpenAIError(name: string, error: unknown, signal: AbortSignal | undefined, timeoutMs: number): Error {
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIUserAbortError) return abortReason(name, signal, error);
  if (error instanceof OpenAI.APIConnectionTimeoutError) return timeoutError(name, timeoutMs, error);
  if (error instanceof OpenAI.APIConnectionError) return connectionError(name, error);
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const body = error.error as { message?: unknown } | undefined;
    return providerErrorFromHttp(name, {
      status: error.status,
      headers: error.headers,
      providerMessage: typeof body?.message === 'string' ? body.message : error.message,
      type: error.type,
      cause: error,
    });
  }
  if (error instanceof OpenAI.APIError) {
    // An `error` the server sent inside a stream that had begun as a 200.
    const body = error.error as { message?: unknown } | undefined;
    return providerErrorFromStream(name, {
      type: error.type,
      providerMessage: typeof body?.message === 'string' ? body.message : error.message,
      cause: error,
    });
  }
  if (signal?.aborted === true) return abortReason(name, signal, error);
  return connectionError(name, error);
}
