import { ProviderError, type ErrorCode } from '@switchyard/core';

/** What both official SDKs tell about a failed HTTP call (`APIError` and its subclasses). */
export interface HttpFailure {
  status: number;
  headers: Headers | undefined;
  /** The provider's own explanation, from the error body when there is one. */
  providerMessage: string;
  /** The provider's error category (`rate_limit_error`, `invalid_request_error`, ...). */
  type: string | undefined;
  cause: unknown;
}

/** Longest cool-down a `Retry-After` may ask for: a typo'd or hostile header must not park a deployment for days. */
export const maxRetryAfterMs = 3_600_000;

/**
 * One mapping from an HTTP failure to the contract's error: the retry verdict comes from the
 * status (408/409/429/5xx retry, other 4xx never), the wait from `retry-after-ms` or
 * `Retry-After` (seconds or an HTTP date), and the provider's status and message are kept.
 */
export function providerErrorFromHttp(provider: string, failure: HttpFailure, now = Date.now()): ProviderError {
  const retryAfterMs = retryAfterFrom(failure.headers, now);
  const label = failure.type === undefined ? `${failure.status}` : `${failure.status} ${failure.type}`;
  return new ProviderError(provider, `${provider} ${label}: ${failure.providerMessage}`, {
    status: failure.status,
    code: codeForStatus(failure.status),
    cause: failure.cause,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/**
 * What each error type a provider sends inside a stream (Anthropic `event: error`, an OpenAI
 * chunk with `error`) stands for as an HTTP status. The response itself was a 200, so the type is
 * all there is to decide on; the status it stands for then gets the same verdict as over HTTP.
 */
const statusOfStreamErrorType: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  // OpenAI's rate-limit types name the limit that was hit.
  requests: 429,
  tokens: 429,
  api_error: 500,
  server_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * An error the provider sent inside a stream that had begun as a 200. Known types map through
 * the status they stand for (kept in `status`, so every rule keyed on statuses applies alike);
 * an unknown type is a broken stream, which another try may get past.
 */
export function providerErrorFromStream(
  provider: string,
  failure: Pick<HttpFailure, 'type' | 'providerMessage' | 'cause'>,
): ProviderError {
  const status = failure.type === undefined ? undefined : statusOfStreamErrorType[failure.type];
  const label = failure.type ?? 'error';
  const message = `${provider} ${label} (sent in the stream): ${failure.providerMessage}`;
  if (status === undefined)
    return new ProviderError(provider, message, {
      retryable: true,
      code: 'provider_unavailable',
      cause: failure.cause,
    });
  return new ProviderError(provider, message, { status, code: codeForStatus(status), cause: failure.cause });
}

/** The connection failed or broke before a complete answer arrived: another try may work. */
export function connectionError(provider: string, error: unknown): ProviderError {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(provider, `${provider} connection failed: ${message}${cause}`, {
    retryable: true,
    code: 'provider_unavailable',
    cause: error,
  });
}

/** The call took longer than allowed and was aborted. */
export function timeoutError(provider: string, timeoutMs: number, cause?: unknown): ProviderError {
  return new ProviderError(provider, `${provider} timed out after ${timeoutMs} ms (request aborted)`, {
    retryable: true,
    code: 'provider_timeout',
    cause,
  });
}

/** The provider answered 200 with something that is not an answer. */
export function badResponseError(provider: string, detail: string): ProviderError {
  return new ProviderError(provider, `${provider} sent an unusable response: ${detail}`, {
    retryable: true,
    code: 'provider_bad_response',
  });
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'provider_auth_failed';
  if (status === 408) return 'provider_timeout';
  if (status === 429) return 'provider_rate_limited';
  if (status >= 500) return 'provider_unavailable';
  return 'provider_rejected';
}

/** Milliseconds to wait from `retry-after-ms` (OpenAI, Anthropic) or the standard `Retry-After`. */
export function retryAfterFrom(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return clamp(milliseconds);
  const header = headers.get('retry-after');
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return clamp(seconds * 1_000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : clamp(date - now);
}

const clamp = (ms: number): number => Math.round(Math.min(Math.max(ms, 0), maxRetryAfterMs));

/** The caller aborted the call (the breaker's timeout, a shutdown): the abort's reason is the error. */
export function abortReason(provider: string, signal: AbortSignal | undefined, cause: unknown): Error {
  if (signal?.reason instanceof Error) return signal.reason;
  return new ProviderError(provider, `${provider} call aborted`, { retryable: true, code: 'provider_aborted', cause });
}
