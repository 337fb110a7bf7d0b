import { clientKeyPattern, terminalStatuses } from '@switchyard/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, validationError } from '../api-errors.ts';
import { requestView } from '../record-view.ts';
import type { ApiContext } from '../api-context.ts';
import { mayRead } from '../auth/index.ts';
import { parseChatRequest } from '../request-validation.ts';

/** `GET /v1/requests/:id?wait=SECONDS`: how long to wait for the answer (at most a minute). */
export const waitQuerySchema = z.object({ wait: z.coerce.number().min(0).max(60).optional() });

export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !clientKeyPattern.test(value)) {
    throw new ApiError(
      'invalid_idempotency_key',
      'Idempotency-Key must be 1-200 printable ASCII characters',
      'Idempotency-Key',
    );
  }
  return value;
}

/** Response header saying whether a completed answer came from the response cache; on a request, `bypass` opts out. */
export const cacheHeader = 'x-switchyard-cache';

/** `x-switchyard-cache: bypass` (or `no-store`) on a request: the same as `"cache": false` in its body. */
export function cacheBypassed(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ['bypass', 'no-store', 'off'].includes(value.trim().toLowerCase());
}

export function registerRequestRoutes(app: FastifyInstance, context: ApiContext): void {
  app.post('/v1/requests', async (request, reply) => {
    const chat = parseChatRequest(request.body, context.requestLimits);
    context.submissions.checkTiers(chat);
    if (cacheBypassed(request.headers[cacheHeader])) chat.cache = false;
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
    const { id, created } = await context.submissions.submitOne({ request: chat }, idempotencyKey, {
      keyId: request.principal.keyId,
    });
    // The request is accepted and queued at this point: a failed read must not turn into an error
    // that tells the client nothing was written (it would retry and run the request twice).
    const record = await context.runtime.store.get(id).catch(() => undefined);
    reply.header('location', `/v1/requests/${id}`);
    return reply
      .code(created ? 202 : 200)
      .send(record === undefined ? { id, object: 'switchyard.request', status: 'queued' } : requestView(record));
  });

  app.get<{ Params: { id: string } }>('/v1/requests/:id', async (request, reply) => {
    const query = waitQuerySchema.safeParse(request.query);
    if (!query.success) throw validationError(query.error.issues, ['query']);
    const { id } = request.params;
    const waitSeconds = query.data.wait ?? 0;
    // Subscribe before reading, so a completion between the read and the wait is not missed.
    const waiter = waitSeconds > 0 ? await context.waitForCompletion(id, waitSeconds * 1_000) : undefined;
    try {
      let record = await context.runtime.store.get(id);
      // Another key's request answers exactly like a missing one: its existence is not ours to tell.
      if (record === undefined || !mayRead(request.principal, record.keyId))
        throw new ApiError('not_found', `no request with id "${id}"`, 'id');
      if (waiter !== undefined && !terminalStatuses.includes(record.status)) {
        await waiter.done;
        record = (await context.runtime.store.get(id)) ?? record;
      }
      if (record.status === 'completed') reply.header(cacheHeader, record.cacheHit === true ? 'hit' : 'miss');
      return reply.send(requestView(record));
    } finally {
      waiter?.stop();
    }
  });
}
