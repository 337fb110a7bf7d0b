import { describe, expect, it } from 'vitest';
import { mapAnthropicStopReason } from './adapters/map-anthropic-stop-reason.ts';
import { mapOpenAIFinishReason } from './adapters/map-openai-finish-reason.ts';
import {
  maxRetryAfterMs,
  providerErrorFromHttp,
  providerErrorFromStream,
  retryAfterFrom,
} from './provider-error-mapping.ts';

const failure = (status: number, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  providerMessage: 'said the provider',
  type: undefined,
  cause: undefined,
});

describe('provider error mapping', () => {
  it('decides errors sent inside a stream by their type, as the status the type stands for', () => {
    const verdicts = [
      'invalid_request_error',
      'authentication_error',
      'not_found_error',
      'rate_limit_error',
      'tokens',
      'overloaded_error',
      'server_error',
      'never_heard_of',
    ].map((type) => {
      const error = providerErrorFromStream('p', { type, providerMessage: 'said mid-stream', cause: undefined });
      return [type, error.status, error.retryable, error.code];
    });
    expect(verdicts).toEqual([
      ['invalid_request_error', 400, false, 'provider_rejected'],
      ['authentication_error', 401, false, 'provider_auth_failed'],
      ['not_found_error', 404, false, 'provider_rejected'],
      ['rate_limit_error', 429, true, 'provider_rate_limited'],
      ['tokens', 429, true, 'provider_rate_limited'],
      ['overloaded_error', 529, true, 'provider_unavailable'],
      ['server_error', 500, true, 'provider_unavailable'],
      // An unknown type: the stream broke in a way we do not know, which another try may get past.
      ['never_heard_of', undefined, true, 'provider_unavailable'],
    ]);
  });

  it('decides the retry verdict and code from the status alone', () => {
    const verdicts = [400, 401, 403, 404, 408, 409, 422, 429, 500, 503, 529].map((status) => {
      const error = providerErrorFromHttp('p', failure(status));
      return [status, error.retryable, error.code];
    });
    expect(verdicts).toEqual([
      [400, false, 'provider_rejected'],
      [401, false, 'provider_auth_failed'],
      [403, false, 'provider_auth_failed'],
      [404, false, 'provider_rejected'],
      [408, true, 'provider_timeout'],
      [409, true, 'provider_rejected'],
      [422, false, 'provider_rejected'],
      [429, true, 'provider_rate_limited'],
      [500, true, 'provider_unavailable'],
      [503, true, 'provider_unavailable'],
      [529, true, 'provider_unavailable'],
    ]);
  });

  it('reads retry-after-ms first, then Retry-After in seconds or as a date, and bounds it', () => {
    const now = Date.parse('2026-11-01T12:00:00Z');
    expect(retryAfterFrom(new Headers({ 'retry-after-ms': '250.4', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterFrom(new Headers({ 'retry-after': '2.5' }), now)).toBe(2_500);
    expect(retryAfterFrom(new Headers({ 'retry-after': 'Sun, 01 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterFrom(new Headers({ 'retry-after': 'Sun, 01 Nov 2026 11:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterFrom(new Headers({ 'retry-after': '86400' }), now)).toBe(maxRetryAfterMs);
    expect(retryAfterFrom(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterFrom(new Headers(), now)).toBeUndefined();
    expect(providerErrorFromHttp('p', failure(429, { 'retry-after': '3' })).retryAfterMs).toBe(3_000);
  });

  it('keeps the provider name, status and message in the error message', () => {
    const error = providerErrorFromHttp('openai', { ...failure(400), type: 'invalid_request_error' });
    expect(error.message).toBe('openai 400 invalid_request_error: said the provider');
    expect(error.status).toBe(400);
    expect(error.provider).toBe('openai');
  });
});

describe('finish reasons', () => {
  it('maps Anthropic stop reasons', () => {
    expect(
      [
        'end_turn',
        'stop_sequence',
        'max_tokens',
        'model_context_window_exceeded',
        'refusal',
        'tool_use',
        'pause_turn',
        null,
      ].map((reason) => mapAnthropicStopReason(reason as Parameters<typeof mapAnthropicStopReason>[0])),
    ).toEqual(['stop', 'stop', 'length', 'length', 'content_filter', 'tool_calls', 'other', 'other']);
  });

  it('maps OpenAI finish reasons, including values compatible servers send', () => {
    expect(
      ['stop', 'eos', 'length', 'content_filter', 'tool_calls', 'function_call', 'abort', null].map(
        mapOpenAIFinishReason,
      ),
    ).toEqual(['stop', 'stop', 'length', 'content_filter', 'tool_calls', 'tool_calls', 'other', 'other']);
  });
});
