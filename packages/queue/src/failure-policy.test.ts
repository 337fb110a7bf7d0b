import { MalformedJobError, ProviderError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decideFailure, parseJobData } from './failure-policy.ts';

describe('decideFailure', () => {
  const outage = new ProviderError('anthropic', '503 overloaded', { status: 503 });

  it('retries a retryable error until the last attempt, then fails the request saying so', () => {
    expect(decideFailure(outage, 0, 3)).toEqual({ action: 'retry' });
    expect(decideFailure(outage, 1, 3)).toEqual({ action: 'retry' });
    expect(decideFailure(outage, 2, 3)).toEqual({
      action: 'fail',
      error: { code: 'provider_unavailable', message: '503 overloaded (gave up after 3 attempts)' },
    });
  });

  it('fails at once, keeping the provider message, for errors a retry cannot fix', () => {
    const rejected = new ProviderError('openai', "400 'messages' must not be empty", { status: 400 });
    expect(decideFailure(rejected, 0, 3)).toEqual({
      action: 'fail',
      error: { code: 'provider_rejected', message: "400 'messages' must not be empty" },
    });
    expect(decideFailure(new MalformedJobError('bad payload'), 0, 3)).toMatchObject({
      action: 'fail',
      error: { code: 'malformed_job' },
    });
  });

  it('treats unexpected errors as retryable within the attempt limit', () => {
    expect(decideFailure(new TypeError('x is undefined'), 0, 2)).toEqual({ action: 'retry' });
    expect(decideFailure(new TypeError('x is undefined'), 1, 2)).toEqual({
      action: 'fail',
      error: { code: 'internal_error', message: 'x is undefined (gave up after 2 attempts)' },
    });
  });
});

describe('parseJobData', () => {
  it('names the job and every bad field of a malformed payload', () => {
    const schema = z.object({ requestId: z.string(), hop: z.number() });
    expect(() => parseJobData(schema, { id: 'req_x-t0', data: { hop: 'one' } })).toThrow(
      'job req_x-t0 has a malformed payload: requestId: Invalid input: expected string, received undefined; ' +
        'hop: Invalid input: expected number, received string',
    );
  });
});
