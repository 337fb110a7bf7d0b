import type { ApiKeyConfig, ChatRequest, SwitchyardConfig } from '@switchyard/core';
import type { KeySpace, RedisClient } from '@switchyard/queue';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError, sendError } from '../api-errors.ts';
import { rateLimitScript } from './rate-limit-script.ts';

export interface RateLimitVerdict {
  allowed: boolean;
  requestsRemaining: number;
  requestsResetMs: number;
  tokensRemaining: number;
  tokensResetMs: number;
  retryAfterMs: number;
}

/** Chat-shaped bodies carry tokens; every other call (reads, batch submissions) costs none. */
const tokenCountedRoutes = new Set(['/v1/requests', '/v1/chat/completions']);

/**
 * Tokens a chat call may use, estimated before it runs: about 4 characters per prompt token
 * (the usual figure for English text with OpenAI's and Anthropic's tokenizers) plus the output
 * it allows itself. Like OpenAI's own limiter, the estimate counts `max_tokens`, not the answer.
 */
export function estimateTokens(body: unknown): number {
  if (typeof body !== 'object' || body === null) return 0;
  const request = body as Partial<ChatRequest> & { max_completion_tokens?: unknown };
  let characters = 0;
  for (const message of Array.isArray(request.messages) ? request.messages : []) {
    const content: unknown = (message as { content?: unknown }).content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        const text: unknown = (part as { text?: unknown } | null)?.text;
        if (typeof text === 'string') characters += text.length;
      }
    }
  }
  const output = [request.max_tokens, request.max_completion_tokens].find((value) => typeof value === 'number');
  return Math.ceil(characters / 4) + (typeof output === 'number' ? Math.max(0, Math.floor(output)) : 0);
}

/** Charges one call to the key's buckets. */
export async function chargeRateLimit(
  redis: RedisClient,
  keys: KeySpace,
  key: Pick<ApiKeyConfig, 'id' | 'requestsPerMinute' | 'tokensPerMinute'>,
  tokens: number,
): Promise<RateLimitVerdict> {
  const result = (await redis.eval(
    rateLimitScript,
    2,
    keys.rateLimit(key.id, 'requests'),
    keys.rateLimit(key.id, 'tokens'),
    String(key.requestsPerMinute ?? 0),
    String(key.tokensPerMinute ?? 0),
    String(tokens),
  )) as number[];
  const [
    allowed = 0,
    requestsRemaining = 0,
    requestsResetMs = 0,
    tokensRemaining = 0,
    tokensResetMs = 0,
    retryAfterMs = 0,
  ] = result;
  return { allowed: allowed === 1, requestsRemaining, requestsResetMs, tokensRemaining, tokensResetMs, retryAfterMs };
}

/** OpenAI's duration format for the reset headers: `20ms`, `1s`, `6m0s`. */
export function formatResetDuration(milliseconds: number): string {
  if (milliseconds < 1_000) return `${Math.max(0, Math.ceil(milliseconds))}ms`;
  const seconds = Math.ceil(milliseconds / 1_000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

/**
 * Limits every authenticated call of a key that has `requestsPerMinute` or `tokensPerMinute`.
 * Runs after the body is parsed (the token estimate reads it) and before the route, so a refused
 * call writes nothing. The `x-ratelimit-*` headers go on every answer to such a key.
 */
export function installRateLimit(app: FastifyInstance, config: SwitchyardConfig, redis: RedisClient, keys: KeySpace) {
  const limited = new Map(
    config.auth.keys
      .filter((key) => key.requestsPerMinute !== undefined || key.tokensPerMinute !== undefined)
      .map((key) => [key.id, key]),
  );
  if (limited.size === 0) return;
  app.addHook('preHandler', async (request, reply) => {
    const key = limited.get(request.principal.keyId);
    if (key === undefined) return;
    const tokens =
      key.tokensPerMinute !== undefined && tokenCountedRoutes.has(request.routeOptions.url ?? '')
        ? estimateTokens(request.body)
        : 0;
    const verdict = await chargeRateLimit(redis, keys, key, tokens);
    setHeaders(reply, key, verdict);
    if (verdict.allowed) return;
    const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1_000));
    reply.header('retry-after', String(retryAfterSeconds)).header('retry-after-ms', String(verdict.retryAfterMs));
    const which = key.requestsPerMinute !== undefined && verdict.requestsRemaining < 1 ? 'requests' : 'tokens';
    const limit = which === 'requests' ? key.requestsPerMinute : key.tokensPerMinute;
    const estimate = which === 'tokens' ? ` (this call is estimated at ${tokens} tokens)` : '';
    return sendError(
      reply,
      new ApiError(
        'rate_limit_exceeded',
        `rate limit of key "${key.id}" reached: ${limit} ${which} per minute${estimate}; ` +
          `retry in ${retryAfterSeconds} s`,
      ),
    );
  });
}

function setHeaders(
  reply: FastifyReply,
  key: Pick<ApiKeyConfig, 'requestsPerMinute' | 'tokensPerMinute'>,
  verdict: RateLimitVerdict,
): void {
  if (key.requestsPerMinute !== undefined) {
    reply
      .header('x-ratelimit-limit-requests', String(key.requestsPerMinute))
      .header('x-ratelimit-remaining-requests', String(Math.max(0, verdict.requestsRemaining)))
      .header('x-ratelimit-reset-requests', formatResetDuration(verdict.requestsResetMs));
  }
  if (key.tokensPerMinute !== undefined) {
    reply
      .header('x-ratelimit-limit-tokens', String(key.tokensPerMinute))
      .header('x-ratelimit-remaining-tokens', String(Math.max(0, verdict.tokensRemaining)))
      .header('x-ratelimit-reset-tokens', formatResetDuration(verdict.tokensResetMs));
  }
}
