import { listQuerySchema } from '../files/openai-batch-routes.ts';
import type { ResponseDoc, RouteDoc } from './route-docs.ts';

const fileId = { id: 'The file id (`POST /v1/files` answered it, or a batch names it as its output or error file).' };
const batchId = { id: 'The batch id (`POST /v1/batches` answered it).' };
const notFound = (what: string): ResponseDoc => ({
  description: `\`not_found\`: no ${what} with that id, it expired, or it belongs to another key.`,
  content: 'error',
});

/** OpenAI's files and the batch routes only batches from files have, as the OpenAPI document describes them. */
export const fileRouteDocs: readonly RouteDoc[] = [
  {
    method: 'POST',
    url: '/v1/files',
    tag: 'batches',
    summary: 'Upload a batch input file',
    description:
      'One chat completion request per line (`custom_id`, `method`, `url`, `body`), as OpenAI takes them; ' +
      'kept for `api.filesTtlSeconds`.',
    access: 'key',
    body: 'FileUpload',
    bodyMediaType: 'multipart/form-data',
    responses: {
      200: { description: "OpenAI's file object.", content: 'json' },
      413: { description: '`file_too_large`: over `api.filesMaxBytes`; nothing was stored.', content: 'error' },
    },
  },
  {
    method: 'GET',
    url: '/v1/files/:id',
    tag: 'batches',
    summary: 'Read a file',
    access: 'key',
    pathParameters: fileId,
    responses: { 200: { description: "OpenAI's file object.", content: 'json' }, 404: notFound('file') },
  },
  {
    method: 'GET',
    url: '/v1/files/:id/content',
    tag: 'batches',
    summary: "Read a file's content",
    description: "An uploaded file's bytes, or a finished batch's output or error lines, made from its records.",
    access: 'key',
    pathParameters: fileId,
    responses: {
      200: {
        description: 'The bytes as uploaded; a batch output or error file as JSON lines.',
        content: ['binary', 'jsonl'],
      },
      404: notFound('file'),
    },
  },
  {
    method: 'GET',
    url: '/v1/batches',
    tag: 'batches',
    summary: 'List batches from files',
    description: "The key's own batches created from files, newest first, in OpenAI's list shape.",
    access: 'key',
    query: listQuerySchema,
    responses: {
      200: { description: 'A page of batch objects, with `has_more`, `first_id` and `last_id`.', content: 'json' },
      404: { description: '`not_found`: `after` is not in the list.', content: 'error' },
    },
  },
  {
    method: 'POST',
    url: '/v1/batches/:id/cancel',
    tag: 'batches',
    summary: 'Cancel a batch from a file',
    description: 'Requests not yet running fail as `batch_cancelled`; running ones finish and are kept.',
    access: 'key',
    pathParameters: batchId,
    responses: {
      200: { description: 'The batch object, `cancelling` or `cancelled`.', content: 'json' },
      404: notFound('batch from a file'),
      409: { description: '`batch_not_cancellable`: the batch is completed.', content: 'error' },
    },
  },
];
