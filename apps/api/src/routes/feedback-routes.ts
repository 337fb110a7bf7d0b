import { terminalStatuses, type RequestRecord } from '@switchyard/core';
import { FeedbackStore, type FeedbackTarget } from '@switchyard/queue';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../api-context.ts';
import { ApiError, validationError } from '../api-errors.ts';
import { mayRead } from '../auth/index.ts';

export function feedbackBodySchema(maxCommentChars: number) {
  return z
    .strictObject({
      score: z.number().min(0).max(1).optional(),
      thumbs: z.enum(['up', 'down']).optional(),
      comment: z.string().max(maxCommentChars, `at most ${maxCommentChars} characters`).optional(),
    })
    .refine((body) => (body.score === undefined) !== (body.thumbs === undefined), {
      message: 'give either "score" (0..1) or "thumbs" ("up" or "down"), not both',
    });
}

/** The tier and route a request was served on: the final answer's tier, else its last attempt's. */
export function servedOn(record: RequestRecord): { tier: string; route: string } {
  const lastAttempt = record.attempts.reduce<RequestRecord['attempts'][number] | undefined>(
    (last, attempt) => (last === undefined || attempt.hop > last.hop ? attempt : last),
    undefined,
  );
  return { tier: record.final?.tier ?? lastAttempt?.tier ?? 'none', route: record.decision?.route ?? 'none' };
}

/**
 * `POST /v1/requests/:id/feedback`: a score (0..1) or thumbs (up = 1, down = 0) and an optional
 * comment on a finished request of the caller's own key (another key's request is a 404, as on
 * `GET`). Giving feedback again replaces the earlier one; the totals count each request once.
 */
export function registerFeedbackRoutes(app: FastifyInstance, context: ApiContext): void {
  const settings = context.config.feedback;
  const store = new FeedbackStore(context.runtime.redis, context.runtime.keys, settings.retentionDays * 86_400);
  const bodySchema = feedbackBodySchema(settings.maxCommentChars);
  const topTier = context.ladder.top.name;

  app.post<{ Params: { id: string } }>('/v1/requests/:id/feedback', async (request, reply) => {
    const { id } = request.params;
    const record = await context.runtime.store.get(id);
    if (record === undefined || !mayRead(request.principal, record.keyId))
      throw new ApiError('not_found', `no request with id "${id}"`, 'id');
    if (!terminalStatuses.includes(record.status))
      throw new ApiError('request_not_finished', `request "${id}" is ${record.status}: feedback waits for its answer`);
    const body = bodySchema.safeParse(request.body ?? {});
    if (!body.success) throw validationError(body.error.issues);
    const { score: given, thumbs, comment } = body.data;
    const score = given ?? (thumbs === 'up' ? 1 : 0);
    const { tier, route } = servedOn(record);
    const low = score < settings.lowScore;
    const target: FeedbackTarget = {
      requestId: id,
      keyId: record.keyId,
      createdAt: record.createdAt,
      tier,
      route,
      experiment: record.decision?.experiment,
    };
    const feedback = {
      score,
      ...(thumbs === undefined ? {} : { thumbs }),
      ...(comment === undefined ? {} : { comment }),
      givenAt: new Date().toISOString(),
      tier,
      route,
      low,
      suspectedMisroute: low && tier !== 'none' && tier !== topTier,
    };
    const { replaced } = await store.give(target, feedback);
    return reply
      .code(replaced ? 200 : 201)
      .send({ object: 'switchyard.feedback', request_id: id, replaced, ...feedback });
  });
}
