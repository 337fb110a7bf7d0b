import type { ErrorCode } from './error-codes.ts';

/**
 * Every error Switchyard raises on purpose carries a stable `code`, a retry verdict and,
 * where there is one, the error that caused it. Queue behaviour is derived from these
 * fields in one place (see `@switchyard/queue` job-failure mapping), never from messages.
 */
export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  /** Whether doing the same thing again later can succeed. */
  readonly retryable: boolean;
  /** How long to wait before a retry, when the other side said so (e.g. `Retry-After`). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The configuration file is missing, unreadable or invalid. Never retryable. */
export class ConfigError extends SwitchyardError {
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[] = [], options: { cause?: unknown } = {}) {
    super('invalid_config', issues.length > 0 ? `${message}\n  ${issues.join('\n  ')}` : message, options);
    this.issues = issues;
  }
}

/** A job payload or stored record does not have the expected shape. Never retryable. */
export class MalformedJobError extends SwitchyardError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('malformed_job', message, options);
  }
}

/**
 * A model provider call failed. `status` is the HTTP status when there was one;
 * the provider's own message is kept in `message`.
 */
export class ProviderError extends SwitchyardError {
  readonly provider: string;
  readonly status: number | undefined;

  constructor(
    provider: string,
    message: string,
    options: { status?: number; retryable?: boolean; retryAfterMs?: number; cause?: unknown; code?: ErrorCode } = {},
  ) {
    const retryable = options.retryable ?? isRetryableStatus(options.status);
    super(options.code ?? (retryable ? 'provider_unavailable' : 'provider_rejected'), message, {
      retryable,
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      cause: options.cause,
    });
    this.provider = provider;
    this.status = options.status;
  }
}

/**
 * 408 (timeout), 409 (conflict), 429 (rate limit) and 5xx can succeed on a later try;
 * every other 4xx means the request itself is wrong and will fail the same way again.
 * A missing status means the connection failed, which is worth retrying.
 */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
