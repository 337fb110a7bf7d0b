import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { ApiError } from '../api-errors.ts';
import { BatchBodyText, readBatchItems } from '../batch-body-scanner.ts';
import type { ApiContext } from '../api-context.ts';
import type { Principal } from '../auth/index.ts';
import { createFileBatch, fileBatchBody, openAIBatchOf } from '../files/openai-batch-routes.ts';
import { resultLine } from '../record-view.ts';
import { parseBatchItems } from '../request-validation.ts';
import type { Submission } from '../submission.ts';
import { readableBatch } from './readable-batch.ts';
import { idempotencyKeyOf } from './request-routes.ts';

export function registerBatchRoutes(app: FastifyInstance, context: ApiContext): void {
  const { config, runtime } = context;

  // The batch body reaches the route as text, cut into items and parsed one by one (see
  // `BatchBodyText`); every other JSON body is parsed as before.
  const parseJsonBody = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (request.method === 'POST' && request.routeOptions.url === '/v1/batches') {
      done(null, new BatchBodyText(text));
      return;
    }
    parseJsonBody(request, text, (error, value) => done(error === null ? null : poisonedOr(text, error), value));
  });

  app.post('/v1/batches', { bodyLimit: config.api.batchBodyLimitBytes }, async (request, reply) => {
    // OpenAI's batch API: a small object naming an uploaded file.
    const fromFile = request.body instanceof BatchBodyText ? fileBatchBody(request.body.text) : undefined;
    if (fromFile !== undefined) return createFileBatch(context, request, reply, fromFile);
    const { pathPrefix, items } = readBatchItems(request.body, {
      maxItemBytes: context.requestLimits.maxRequestBytes,
      maxItems: config.api.maxBatchSize,
    });
    // Paths name the item as the client wrote it: `[3].messages` or `requests[3].messages`.
    const parsed = await parseBatchItems(items, context.requestLimits, pathPrefix);
    const where = (index: number) => `${pathPrefix.join('')}[${index}]`;
    const seen = new Set<string>();
    const submissions: Submission[] = parsed.map(({ custom_id, ...chat }, index) => {
      context.submissions.checkTiers(chat, `${where(index)}.`);
      if (custom_id !== undefined) {
        if (seen.has(custom_id))
          throw new ApiError(
            'duplicate_custom_id',
            `${where(index)}.custom_id: "${custom_id}" is used twice`,
            `${where(index)}.custom_id`,
          );
        seen.add(custom_id);
      }
      return custom_id === undefined ? { request: chat } : { request: chat, customId: custom_id };
    });
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
    const { id, created } = await context.submissions.submitBatch(submissions, idempotencyKey, request.principal.keyId);
    reply.header('location', `/v1/batches/${id}`);
    // A repeated Idempotency-Key answers with the first batch, whatever this body held.
    const total = created
      ? submissions.length
      : ((await runtime.store.getBatch(id).catch(() => undefined))?.total ?? null);
    return reply.code(created ? 202 : 200).send({ id, object: 'switchyard.batch', total });
  });

  // A batch from a file answers in OpenAI's shape, one submitted as JSON in ours.
  app.get<{ Params: { id: string } }>('/v1/batches/:id', async (request, reply) => {
    const batch = await readableBatch(context, request.params.id, request.principal);
    const fromFile = await openAIBatchOf(context, batch);
    return reply.send(fromFile ?? (await batchStatus(context, request.params.id, request.principal)));
  });

  app.get<{ Params: { id: string } }>('/v1/batches/:id/results', async (request, reply) => {
    const { id } = request.params;
    await readableBatch(context, id, request.principal);
    async function* lines() {
      for await (const record of runtime.store.batchRecords(id)) yield `${JSON.stringify(resultLine(record))}\n`;
    }
    return reply.type('application/x-ndjson').send(Readable.from(lines()));
  });

  // Progress as server-sent events, pushed by completion events rather than polled.
  app.get<{ Params: { id: string } }>('/v1/batches/:id/events', async (request, reply) => {
    const { id } = request.params;
    const events = await context.completionEvents();
    // Listen before the first count: a completion landing during the count is then not lost.
    let finishedSinceCount = 0;
    let onFinished = () => {};
    const stopBatch = events.onBatch(id, () => {
      finishedSinceCount += 1;
      onFinished();
    });
    // Completion events published while the subscription was down are lost for good: recount on
    // reconnection, and every `progressRecountMs` whatever happens, so `done` always comes.
    const stopReconnected = events.onReconnect(() => onFinished());
    const stop = () => {
      stopBatch();
      stopReconnected();
    };
    let status: BatchStatus;
    try {
      status = await batchStatus(context, id, request.principal);
    } catch (error) {
      stop();
      throw error;
    }
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (name: string, data: unknown) => stream.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), 15_000);
    const recount = setInterval(() => onFinished(), config.api.progressRecountMs);
    const end = (reason: 'done' | 'closed') => {
      if (ended) return;
      ended = true;
      stop();
      clearInterval(heartbeat);
      clearInterval(recount);
      if (timer !== undefined) clearTimeout(timer);
      context.openStreams.delete(closeStream);
      if (reason === 'done') send('done', { id });
      stream.end();
    };
    const closeStream = () => end('closed');
    context.openStreams.add(closeStream);
    request.raw.on('close', closeStream);

    // Completions come in bursts: at most one progress event per 250 ms. Each one recounts the
    // batch (one read per request), so that the counts are the record's, not an estimate.
    const tick = async () => {
      timer = undefined;
      finishedSinceCount = 0;
      const next = await batchStatus(context, id, request.principal).catch(() => undefined);
      if (ended || next === undefined) return;
      // A periodic recount that found nothing new sends nothing.
      if (JSON.stringify(next) === JSON.stringify(status)) return;
      status = next;
      send('progress', status);
      if (status.status === 'completed') end('done');
    };
    onFinished = () => {
      timer ??= setTimeout(() => void tick(), 250);
    };
    send('progress', status);
    if (status.status === 'completed') end('done');
    else if (finishedSinceCount > 0) onFinished();
  });
}

type BatchStatus = Awaited<ReturnType<typeof batchStatus>>;

async function batchStatus(context: ApiContext, id: string, principal: Principal) {
  const batch = await readableBatch(context, id, principal);
  const counts = await context.runtime.store.batchCounts(id);
  const finished = counts.completed + counts.failed;
  return {
    id,
    object: 'switchyard.batch',
    created_at: batch.createdAt,
    status: finished >= batch.total ? ('completed' as const) : ('in_progress' as const),
    total: batch.total,
    counts: {
      queued: counts.queued,
      routed: counts.routed,
      running: counts.running,
      completed: counts.completed,
      failed: counts.failed,
    },
  };
}

/**
 * The default parser refuses valid JSON with a "__proto__" key (or a "constructor" holding
 * "prototype") with the same error as broken JSON: this says which it was.
 */
function poisonedOr(text: string, error: Error): Error {
  try {
    JSON.parse(text);
  } catch {
    return error;
  }
  return new ApiError(
    'invalid_body',
    'the body has a "__proto__" key (or a "constructor" key holding "prototype"): ' +
      'such keys are refused because they could change object prototypes; rename or remove them',
  );
}
