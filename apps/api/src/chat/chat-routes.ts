import {
  configuredStrategies,
  newRequestId,
  terminalStatuses,
  type RoutingDecision,
  type SwitchyardConfig,
} from '@switchyard/core';
import { AnswerStreamReaders } from '@switchyard/queue';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../api-errors.ts';
import type { ApiContext } from '../api-context.ts';
import { unavailable } from '../submission.ts';
import { cacheBypassed, cacheHeader, idempotencyKeyOf } from '../routes/request-routes.ts';
import { parseChatCompletionRequest } from './chat-body.ts';
import { chatCompletion, failureError, recordInfo, routingHeaders, timeoutError } from './chat-response.ts';
import { StreamRelay } from './chat-stream.ts';
import { ModelCatalog } from './model-catalog.ts';

/**
 * Whether the API may classify chat completions itself: the configured chain, and every
 * experiment's variant chain, runs no strategy that calls a model (llm), a remote embedder
 * (centroid with an `openai` embedder) or a local model (centroid with an `onnx` embedder:
 * milliseconds of CPU per prompt, not microseconds). Such a chain stays in the classifier pool,
 * which owns those calls' keys, breakers and timeouts and whose processes scale apart from the API's.
 */
export function classifiesInline(config: Pick<SwitchyardConfig, 'classifier' | 'experiments'>): boolean {
  const { centroid } = config.classifier;
  const strategies = configuredStrategies(config);
  if (strategies.includes('llm')) return false;
  return !(strategies.includes('centroid') && centroid.embedder.type !== 'hashing');
}

/** `POST /v1/chat/completions` and `GET /v1/models`, in OpenAI's shapes. */
export function registerChatRoutes(app: FastifyInstance, context: ApiContext): void {
  const { config, runtime } = context;
  const catalog = new ModelCatalog(config);
  const readers = new AnswerStreamReaders(runtime.redisUrl, runtime.keys);
  const inline = classifiesInline(config);
  const timeoutMs = config.api.syncTimeoutMs;
  app.addHook('onClose', async () => readers.close());

  app.get('/v1/models', async () => ({ object: 'list', data: catalog.entries }));
  app.get<{ Params: { id: string } }>('/v1/models/*', async (request) => {
    const id = (request.params as Record<string, string>)['*'] ?? '';
    return catalog.entry(id);
  });

  app.post('/v1/chat/completions', async (request, reply) => {
    const { body, request: chat } = parseChatCompletionRequest(request.body, context.requestLimits, catalog);
    if (cacheBypassed(request.headers[cacheHeader])) chat.cache = false;
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
    const stream = body.stream === true;
    // Classified here, in microseconds, instead of a hop through the classify queue. The id is
    // chosen first: an experiment sticky per request hashes it.
    const id = newRequestId();
    const subject = { keyId: request.principal.keyId, requestId: id };
    const decision: RoutingDecision | undefined = inline ? await context.classifier.classify(chat, subject) : undefined;
    const events = await context.completionEvents();

    if (stream) {
      // The reader first: a Redis that takes no new connection answers 503 with nothing written.
      const reader = await readers.acquire().catch(() => {
        throw unavailable();
      });
      const relayOf = (requestId: string) =>
        new StreamRelay({
          context,
          reader,
          reply,
          requestId,
          route: decision?.route,
          includeUsage: body.stream_options?.include_usage === true,
          timeoutMs,
        });
      let relay = relayOf(id);
      const stops = [events.onRequest(id, (event) => relay.onCompletion(event))];
      try {
        const submitted = await context.submissions.submitOne({ request: chat }, idempotencyKey, {
          id,
          answerStream: true,
          keyId: request.principal.keyId,
          ...(decision === undefined ? {} : { decision }),
        });
        reply.header('x-switchyard-request-id', submitted.id);
        if (!submitted.created) {
          // A repeated Idempotency-Key, on this API instance or another: the first request's
          // answer stream, read from its first entry, however far that request has got.
          const earlier = relayOf(submitted.id);
          relay = earlier;
          stops.push(events.onRequest(submitted.id, (event) => earlier.onCompletion(event)));
          const status = await runtime.store.getStatus(submitted.id);
          if (status === 'completed' || status === 'failed')
            earlier.onCompletion({ requestId: submitted.id, batchId: null, status });
        }
        await relay.run();
        return reply;
      } finally {
        for (const stop of stops) stop();
        reader.release();
      }
    }

    // Listening before the request exists: its completion cannot come before the listener.
    const waiter = await context.waitForCompletion(id, timeoutMs);
    try {
      const submitted = await context.submissions.submitOne(
        { request: chat },
        idempotencyKey,
        decision === undefined
          ? { id, keyId: request.principal.keyId }
          : { id, decision, keyId: request.principal.keyId },
      );
      reply.header('x-switchyard-request-id', submitted.id);
      if (!submitted.created) return await answerEarlier(reply, submitted.id);
      await waiter.done;
      return await answerFromRecord(reply, id);
    } finally {
      waiter.stop();
    }
  });

  /** A repeated `Idempotency-Key`: the first request's answer, waited for if it is still running. */
  async function answerEarlier(reply: FastifyReply, earlierId: string): Promise<FastifyReply> {
    const waiter = await context.waitForCompletion(earlierId, timeoutMs);
    try {
      const status = await runtime.store.getStatus(earlierId);
      if (status !== undefined && !terminalStatuses.includes(status)) await waiter.done;
      return await answerFromRecord(reply, earlierId);
    } finally {
      waiter.stop();
    }
  }

  async function answerFromRecord(reply: FastifyReply, requestId: string): Promise<FastifyReply> {
    const record = await runtime.store.get(requestId);
    if (record === undefined) throw new ApiError('not_found', `request ${requestId} expired`, 'id');
    if (record.status === 'failed') throw failureError(record);
    const info = recordInfo(record);
    if (record.status !== 'completed' || info === undefined) throw timeoutError(requestId, timeoutMs);
    return reply.headers(routingHeaders(record.id, info)).send(chatCompletion(record, info));
  }
}
