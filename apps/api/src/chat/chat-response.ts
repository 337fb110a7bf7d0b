import { cacheProvider, type RequestRecord, type TokenUsage } from '@switchyard/core';
import type { AnswerInfo } from '@switchyard/queue';
import { ApiError } from '../api-errors.ts';

/** OpenAI's finish reasons; ours have `other` (and `unavailable` for a passed-over tier) besides. */
export function openAIFinishReason(reason: string): 'stop' | 'length' | 'content_filter' | 'tool_calls' {
  return reason === 'length' || reason === 'content_filter' || reason === 'tool_calls' ? reason : 'stop';
}

/** Thinking tokens are inside `completion_tokens`, and shown as OpenAI shows reasoning tokens. */
export function openAIUsage(usage: TokenUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.thinkingTokens === undefined
      ? {}
      : { completion_tokens_details: { reasoning_tokens: usage.thinkingTokens } }),
  };
}

const unixSeconds = (iso: string): number => Math.floor((Date.parse(iso) || Date.now()) / 1_000);

/** Routing facts the response carries besides OpenAI's fields, in headers and in a `switchyard` field. */
export function routingHeaders(requestId: string, info: AnswerInfo | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'x-switchyard-request-id': requestId };
  if (info === undefined) return headers;
  return {
    ...headers,
    'x-switchyard-tier': info.tier,
    'x-switchyard-deployment': `${info.provider}/${info.model}`,
    'x-switchyard-escalations': String(info.escalations),
    'x-switchyard-cost-usd': String(info.costUsd),
    'x-switchyard-baseline-usd': String(info.baselineCostUsd),
    'x-switchyard-cache': info.provider === cacheProvider ? 'hit' : 'miss',
  };
}

export function switchyardField(requestId: string, route: string | undefined, info: AnswerInfo) {
  return {
    request_id: requestId,
    tier: info.tier,
    route: route ?? null,
    deployment: `${info.provider}/${info.model}`,
    escalations: info.escalations,
    cost_usd: info.costUsd,
    baseline_cost_usd: info.baselineCostUsd,
    simulated: info.simulated,
  };
}

/** The answer facts of a completed record, in the shape the answer stream carries them. */
export function recordInfo(record: RequestRecord): AnswerInfo | undefined {
  const { final } = record;
  if (final === undefined) return undefined;
  return {
    tier: final.tier,
    provider: final.deployment.provider,
    model: final.deployment.model,
    hop: final.hop,
    escalations: Math.max(0, record.attempts.length - 1),
    finishReason: final.finishReason,
    usage: record.usage,
    costUsd: record.costUsd,
    baselineCostUsd: record.baselineCostUsd,
    simulated: final.simulated,
  };
}

/** A completed record as OpenAI's `chat.completion` object. */
export function chatCompletion(record: RequestRecord, info: AnswerInfo) {
  return {
    id: record.id,
    object: 'chat.completion' as const,
    created: unixSeconds(record.createdAt),
    model: info.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: record.final?.answer ?? '', refusal: null },
        logprobs: null,
        finish_reason: openAIFinishReason(info.finishReason),
      },
    ],
    usage: openAIUsage(info.usage),
    system_fingerprint: null,
    switchyard: switchyardField(record.id, record.decision?.route, info),
  };
}

/** One `chat.completion.chunk`; `usage` is present (null until the last chunk) when the client asked for it. */
export function chatChunk(
  requestId: string,
  created: number,
  model: string,
  choice: { delta: { role?: 'assistant'; content?: string }; finish_reason: string | null } | undefined,
  usage?: ReturnType<typeof openAIUsage> | null,
) {
  return {
    id: requestId,
    object: 'chat.completion.chunk' as const,
    created,
    model,
    system_fingerprint: null,
    choices: choice === undefined ? [] : [{ index: 0, ...choice, logprobs: null }],
    ...(usage === undefined ? {} : { usage }),
  };
}

/**
 * A failed request as an OpenAI error. The provider's refusal of the request itself (a 4xx other
 * than the retryable ones) is the client's to fix: 400; anything else happened on our side: 502.
 */
export function failureError(record: RequestRecord): ApiError {
  const code = record.error?.code ?? 'unknown';
  const message = `request ${record.id} failed (${code}): ${record.error?.message ?? 'no reason recorded'}`;
  const extra = { request_id: record.id, failure_code: code };
  return new ApiError(code === 'provider_rejected' ? 'request_rejected' : 'request_failed', message, null, [], extra);
}

export function timeoutError(requestId: string, timeoutMs: number): ApiError {
  return new ApiError(
    'sync_timeout',
    `no answer within ${timeoutMs} ms; request ${requestId} keeps running: GET /v1/requests/${requestId} collects it`,
    null,
    [],
    { request_id: requestId },
  );
}
