import { formatPath } from '@switchyard/core';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/** Every error the API returns, with its HTTP status. Codes are stable: clients may branch on them. */
export const apiErrorCodes = {
  invalid_body: {
    status: 400,
    type: 'invalid_request_error',
    description:
      'The body failed validation; `details` lists the bad fields by path (the first 20; the message counts the rest).',
  },
  invalid_json: { status: 400, type: 'invalid_request_error', description: 'The body is not valid JSON.' },
  unknown_tier: {
    status: 400,
    type: 'invalid_request_error',
    description: '`force_tier` or `max_tier` names a tier that is not configured.',
  },
  batch_too_large: {
    status: 400,
    type: 'invalid_request_error',
    description: 'The batch has more requests than `api.maxBatchSize`.',
  },
  duplicate_custom_id: {
    status: 400,
    type: 'invalid_request_error',
    description: 'Two requests of one batch share a `custom_id`.',
  },
  invalid_batch_file: {
    status: 400,
    type: 'invalid_request_error',
    description:
      'A line of the batch input file is not a valid request: the message starts with its number ' +
      '(`line 7: ...`) and says why, `line` holds the number; nothing was submitted.',
  },
  batch_not_cancellable: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The batch completed before cancel was asked for: there is nothing left to cancel.',
  },
  request_not_finished: {
    status: 409,
    type: 'invalid_request_error',
    description: 'Feedback is taken on a finished (completed or failed) request only.',
  },
  invalid_range: {
    status: 400,
    type: 'invalid_request_error',
    description:
      '`from` and `to` of `GET /v1/stats` are not days, `from` is after `to`, or they span more than 366 days.',
  },
  bad_request: {
    status: 400,
    type: 'invalid_request_error',
    description: 'The HTTP request itself is malformed (URL, headers, body length).',
  },
  invalid_idempotency_key: {
    status: 400,
    type: 'invalid_request_error',
    description: 'The `Idempotency-Key` header is empty, too long or not printable ASCII.',
  },
  invalid_api_key: {
    status: 401,
    type: 'invalid_request_error',
    description:
      'No `Authorization: Bearer <key>` header, or a key that is not configured ' +
      '(admin pages: log in at `/admin/login`).',
  },
  admin_required: {
    status: 403,
    type: 'permission_error',
    description: 'The route or page needs an admin key; the key sent is a client key.',
  },
  unsupported_content: {
    status: 400,
    type: 'invalid_request_error',
    description:
      'A chat message carries something other than text (an image, audio or file part, a tool message); ' +
      '`param` names it.',
  },
  request_rejected: {
    status: 400,
    type: 'invalid_request_error',
    description:
      'Chat completions: every provider of the tier refused the request as invalid (too long, say); ' +
      'the message has their reason.',
  },
  model_not_found: {
    status: 404,
    type: 'invalid_request_error',
    description: '`model` is not `auto`, a tier or a configured deployment model (see `GET /v1/models`).',
  },
  budget_exceeded: {
    status: 402,
    type: 'insufficient_quota',
    description:
      'The API key is over its daily or monthly budget (`onExceeded: reject`); ' +
      'the message says which budget, how much was spent and when it resets.',
  },
  idempotency_key_reused: {
    status: 409,
    type: 'invalid_request_error',
    description: 'The `Idempotency-Key` was used before with a different body; a new request needs a new key.',
  },
  not_found: {
    status: 404,
    type: 'not_found_error',
    description: 'No request, batch or file with that id (or it expired, or another key owns it).',
  },
  request_timeout: {
    status: 408,
    type: 'invalid_request_error',
    description:
      'The request (headers and body) was not received within `api.requestTimeoutMs` ' +
      '(headers: `api.headersTimeoutMs`); the connection is closed.',
  },
  payload_too_large: {
    status: 413,
    type: 'invalid_request_error',
    description: 'The body is larger than the configured limit.',
  },
  file_too_large: {
    status: 413,
    type: 'invalid_request_error',
    description: 'The uploaded file is larger than `api.filesMaxBytes`; nothing was stored.',
  },
  request_too_large: {
    status: 413,
    type: 'invalid_request_error',
    description:
      'One request (alone or as an item of a batch) is larger than `api.bodyLimitBytes` as JSON, ' +
      'or has more than `api.maxMessages` messages.',
  },
  unsupported_media_type: {
    status: 415,
    type: 'invalid_request_error',
    description: 'The body must be `application/json` (`multipart/form-data` for `POST /v1/files`).',
  },
  rate_limit_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    description: 'The key used up its requests or tokens per minute; `Retry-After` says when to retry.',
  },
  request_failed: {
    status: 502,
    type: 'server_error',
    description:
      'Chat completions: the request failed after it was accepted (providers down, attempts spent); ' +
      'the message has the reason and `request_id` the record.',
  },
  stream_interrupted: {
    status: 502,
    type: 'server_error',
    description:
      'Sent as the last event of a stream whose provider call broke off after text went out; ' +
      'the request goes on and `GET /v1/requests/:id` collects the answer.',
  },
  api_shutting_down: {
    status: 503,
    type: 'service_unavailable',
    description:
      'Sent as the last event of a stream (or the answer, before its first event) open when the API shut down; ' +
      'the request goes on and `GET /v1/requests/:id` (the `request_id` field) collects it.',
  },
  sync_timeout: {
    status: 504,
    type: 'timeout_error',
    description:
      'Chat completions: no answer within `api.syncTimeoutMs`; ' +
      'the request keeps running and `GET /v1/requests/:id` (the `request_id` field) collects it.',
  },
  redis_unavailable: {
    status: 503,
    type: 'service_unavailable',
    description: 'Redis does not answer; nothing was written. Retry later.',
  },
  internal_error: {
    status: 500,
    type: 'server_error',
    description: 'An unexpected error; the message says what happened.',
  },
} as const;

export type ApiErrorCode = keyof typeof apiErrorCodes;

export interface FieldProblem {
  path: string;
  message: string;
}

/** An error the API answers with, in the OpenAI error shape. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly param: string | null;
  readonly details: FieldProblem[];
  /** More fields of the error object (`request_id` of a request that was accepted, `line` of a batch file). */
  readonly extra: Record<string, string | number>;

  constructor(
    code: ApiErrorCode,
    message: string,
    param: string | null = null,
    details: FieldProblem[] = [],
    extra: Record<string, string | number> = {},
  ) {
    super(message);
    this.code = code;
    this.param = param;
    this.details = details;
    this.extra = extra;
  }

  get status(): number {
    return apiErrorCodes[this.code].status;
  }

  toBody() {
    return {
      error: {
        message: this.message,
        type: apiErrorCodes[this.code].type,
        param: this.param,
        code: this.code,
        ...(this.details.length > 0 ? { details: this.details } : {}),
        ...this.extra,
      },
    };
  }
}

/** A 400 naming every bad field (`messages[0].role: ...`), with the first one as `param`. */
export function validationError(
  issues: readonly z.core.$ZodIssue[],
  pathPrefix: readonly PropertyKey[] = [],
): ApiError {
  const details = issues
    .slice(0, 20)
    .map((issue) => ({ path: formatPath([...pathPrefix, ...issue.path]), message: issue.message }));
  const shown = details.map((detail) => `${detail.path}: ${detail.message}`);
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : '';
  return new ApiError('invalid_body', `invalid request: ${shown.join('; ')}${more}`, details[0]?.path ?? null, details);
}

export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  return reply.code(error.status).send(error.toBody());
}
