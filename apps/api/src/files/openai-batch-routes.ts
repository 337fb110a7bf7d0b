import { newBatchId } from '@switchyard/core';
import type { BatchMeta, OpenAIBatchMeta } from '@switchyard/queue';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError, validationError } from '../api-errors.ts';
import type { ApiContext } from '../api-context.ts';
import type { Principal } from '../auth/index.ts';
import { parseChatCompletionRequest } from '../chat/chat-body.ts';
import { ModelCatalog } from '../chat/model-catalog.ts';
import { readableBatch } from '../routes/readable-batch.ts';
import { idempotencyKeyOf } from '../routes/request-routes.ts';
import { parseBatchFile } from './batch-file-parser.ts';
import { readableFile } from './file-routes.ts';
import { openAIBatchObject } from './openai-batch-view.ts';

const chatEndpoint = '/v1/chat/completions';

/** `POST /v1/batches` in OpenAI's shape. Other fields (`output_expires_after`, ...) are ignored. */
export const fileBatchCreateSchema = z.looseObject({
  input_file_id: z.string().min(1, 'required: the id of a file uploaded with purpose "batch"'),
  endpoint: z.literal(chatEndpoint, `only "${chatEndpoint}" is supported`),
  completion_window: z.literal('24h', 'only "24h" is supported'),
  // OpenAI's metadata rules: at most 16 pairs, keys up to 64 characters, values up to 512.
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((pairs) => Object.keys(pairs).length <= 16, 'at most 16 key-value pairs')
    .nullish(),
});

export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().min(1).optional(),
});

/** Above this an OpenAI create body (a few ids and some metadata) is not what was sent. */
const createBodyMaxChars = 65_536;

/**
 * The body of `POST /v1/batches` when it asks for a batch from an uploaded file (an object with
 * `input_file_id` and no `requests`); undefined for the JSON batches of our own API, which the
 * batch route parses as before. Only a small body is parsed whole, so a 64 MB JSON batch is not.
 */
export function fileBatchBody(text: string): Record<string, unknown> | undefined {
  if (text.length > createBodyMaxChars || !text.trimStart().startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return 'input_file_id' in value && !('requests' in value) ? (value as Record<string, unknown>) : undefined;
}

/** The OpenAI batch, or undefined for a batch submitted as JSON (it has no OpenAI shape). */
export async function openAIBatchOf(context: ApiContext, batch: BatchMeta) {
  const meta = await context.openAIBatches.get(batch.id);
  return meta === undefined ? undefined : openAIBatchObject(context, batch, meta);
}

async function readableFileBatch(context: ApiContext, id: string, principal: Principal) {
  const batch = await readableBatch(context, id, principal);
  const meta = await context.openAIBatches.get(id);
  if (meta === undefined) {
    throw new ApiError(
      'not_found',
      `batch "${id}" was submitted as JSON, not from a file: it has no OpenAI batch object ` +
        `(GET /v1/batches/${id} shows it)`,
      'batch_id',
    );
  }
  return { batch, meta };
}

/** `POST /v1/batches` with `input_file_id`: validates every line, then submits them as one batch. */
export async function createFileBatch(
  context: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  raw: Record<string, unknown>,
): Promise<FastifyReply> {
  const parsed = fileBatchCreateSchema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const body = parsed.data;
  const { principal } = request;
  const file = await readableFile(context, body.input_file_id, principal);
  if (file.purpose !== 'batch') {
    throw new ApiError(
      'invalid_body',
      `input_file_id: file "${file.id}" has purpose "${file.purpose}"; a batch needs one uploaded with purpose "batch"`,
      'input_file_id',
    );
  }
  const content = await context.files.content(file.id);
  if (content === undefined) throw new ApiError('not_found', `no file with id "${file.id}"`, 'input_file_id');
  const catalog = new ModelCatalog(context.config);
  const submissions = await parseBatchFile(content, {
    endpoint: body.endpoint,
    maxRequests: context.config.api.maxBatchSize,
    maxBodyBytes: context.requestLimits.maxRequestBytes,
    parseBody: (line) => {
      const { body: chatBody, request: chat } = parseChatCompletionRequest(line, context.requestLimits, catalog);
      if (chatBody.stream === true)
        throw new ApiError('invalid_body', 'stream: a batch request cannot stream; leave it out', 'stream');
      return chat;
    },
  });
  const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
  const meta: OpenAIBatchMeta = {
    batchId: newBatchId(),
    keyId: principal.keyId,
    inputFileId: file.id,
    endpoint: body.endpoint,
    completionWindow: body.completion_window,
    metadata: body.metadata ?? null,
    createdAtMs: Date.now(),
  };
  // Written before the batch: no reader finds the batch without them.
  await context.openAIBatches.save(meta);
  await context.openAIBatches.index(meta);
  let submitted: { id: string; created: boolean };
  try {
    submitted = await context.submissions.submitBatch(submissions, idempotencyKey, principal.keyId, {
      id: meta.batchId,
    });
  } catch (error) {
    await context.openAIBatches.discard(meta).catch(() => undefined);
    throw error;
  }
  if (!submitted.created) await context.openAIBatches.discard(meta);
  const batch = await readableBatch(context, submitted.id, principal);
  const view = await openAIBatchOf(context, batch);
  if (view === undefined) {
    throw new ApiError(
      'idempotency_key_reused',
      `Idempotency-Key ${JSON.stringify(idempotencyKey)} was already used for batch ${submitted.id}, ` +
        'submitted as JSON; use a new key',
      'Idempotency-Key',
    );
  }
  return reply.header('location', `/v1/batches/${submitted.id}`).send(view);
}

/** `GET /v1/batches` and `POST /v1/batches/:id/cancel`; creating and reading one are in the batch routes. */
export function registerOpenAIBatchRoutes(app: FastifyInstance, context: ApiContext): void {
  const { store } = context.runtime;

  // The caller's own batches from files, newest first; an admin key lists its own too.
  app.get('/v1/batches', async (request) => {
    const query = listQuerySchema.safeParse(request.query);
    if (!query.success) throw validationError(query.error.issues);
    const { limit, after } = query.data;
    const page = await context.openAIBatches.list(request.principal.keyId, limit, after);
    if (page === undefined) throw new ApiError('not_found', `after: no batch "${after}" in this key's list`, 'after');
    const views = await Promise.all(
      page.ids.map(async (id) => {
        const batch = await store.getBatch(id);
        return batch === undefined ? undefined : openAIBatchOf(context, batch);
      }),
    );
    const data = views.filter((view) => view !== undefined);
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: page.hasMore,
    };
  });

  // Requests not yet running are failed as `batch_cancelled`; running ones finish and are kept.
  app.post<{ Params: { id: string } }>('/v1/batches/:id/cancel', async (request) => {
    const { id } = request.params;
    const { batch, meta } = await readableFileBatch(context, id, request.principal);
    const before = await openAIBatchObject(context, batch, meta);
    if (before.status === 'completed') {
      throw new ApiError('batch_not_cancellable', `batch "${id}" is completed: nothing is left to cancel`, 'batch_id');
    }
    if (before.status === 'cancelled') return before;
    const cancelledAtMs = await context.openAIBatches.markCancelling(id, Date.now());
    // A repeated cancel runs this again: it finishes what a cancel cut off half-way did not.
    await store.cancelWaiting(await store.batchMemberIds(id), {
      code: 'batch_cancelled',
      message: `batch ${id} was cancelled at ${new Date(cancelledAtMs).toISOString()} before this request ran`,
    });
    return openAIBatchObject(context, batch, { ...meta, cancellingAtMs: cancelledAtMs });
  });
}
