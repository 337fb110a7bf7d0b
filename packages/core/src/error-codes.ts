/**
 * Every code a `SwitchyardError` carries, and so every code a request record's `error.code` can
 * show a client (`GET /v1/requests/:id`, batch results). Codes are stable: clients may branch on
 * them. The HTTP API's own codes (with their statuses) are `apiErrorCodes` in `@switchyard/api`;
 * the README documents both lists, and a test checks it lists every code.
 */
export const errorCodes = {
  tier_failed: "Every deployment of the tier failed; the message lists each deployment's error.",
  tier_unavailable:
    'No deployment of the tier could be called (breakers open, cooling down) ' +
    'for longer than `cascade.unavailableWaitMs`, and the request was not escalated.',
  deployment_unavailable: 'One deployment could not be called (its breaker is open or it is cooling down).',
  provider_rejected: 'The provider refused the request (a 4xx other than 401/403/408/409/429); its message is kept.',
  provider_auth_failed: 'The provider refused the API key (401 or 403).',
  provider_rate_limited: 'The provider answered 429 until the attempts ran out.',
  provider_timeout: "The provider did not answer within the breaker's `timeoutMs` (or answered 408).",
  provider_unavailable: 'The provider failed (5xx, connection refused or dropped) until the attempts ran out.',
  provider_bad_response: 'The provider answered with something that is not a usable completion.',
  provider_aborted:
    'The call was aborted (the worker shut down); the hop is handed back, so this rarely ends a request.',
  replay_unknown_model: 'A replay provider was asked for a model its data set has no answers of.',
  replay_unknown_prompt: 'A replay provider was asked for a prompt its data set does not hold.',
  malformed_job: 'A job payload or stored record does not have the expected shape; failed without retries.',
  job_failed:
    'The queue gave up on the job for a reason of its own (stalled too often, say); the message is its reason.',
  batch_cancelled: 'The batch was cancelled before this request started running; it was not sent to any provider.',
  internal_error: 'An unexpected error, retried until the attempts ran out; the message says what happened.',
  invalid_config: 'The configuration file is missing, unreadable or invalid (at start-up; never on a record).',
} as const;

export type ErrorCode = keyof typeof errorCodes;
