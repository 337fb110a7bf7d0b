import type { z } from 'zod';
import { waitQuerySchema } from '../routes/request-routes.ts';
import { statsQuerySchema } from '../routes/stats-routes.ts';

/** What a response carries; `error` is the OpenAI error shape (the `Error` schema). */
export type ResponseContent = 'json' | 'error' | 'event-stream' | 'ndjson' | 'jsonl' | 'binary' | 'text' | 'html';

export interface ResponseDoc {
  description: string;
  /** Several: the same status answers in either (the request's fields say which). */
  content: ResponseContent | readonly Exclude<ResponseContent, 'error'>[];
}

/** The request bodies, by their name under `components.schemas` (built in `openapi-document.ts`). */
export type BodySchemaName = 'ChatRequest' | 'Batch' | 'ChatCompletionRequest' | 'Feedback' | 'FileUpload';

export interface RouteDoc {
  method: 'GET' | 'POST';
  /** The path as Fastify registers it: `:name` parameters, `*` for the rest of the path. */
  url: string;
  /** The name of the `*` parameter, when `url` ends in one. */
  wildcard?: string;
  tag: 'requests' | 'batches' | 'chat' | 'stats' | 'operations' | 'documentation';
  summary: string;
  description?: string;
  /** `key`: `Authorization: Bearer <key>` (unless the API runs without keys); `public`: never a key. */
  access: 'key' | 'public';
  pathParameters?: Record<string, string>;
  query?: z.ZodObject;
  /** Request headers the route reads, by name, with what they do. */
  headers?: Record<string, string>;
  body?: BodySchemaName;
  /** How the body is sent; `application/json` unless said. */
  bodyMediaType?: 'multipart/form-data';
  responses: Record<string, ResponseDoc>;
}

const idempotencyKey = {
  'Idempotency-Key':
    'Makes a repeat of the call (same key, same body) answer with the first result instead of running again; ' +
    '1-200 printable ASCII characters.',
};
const cacheBypass = {
  'x-switchyard-cache': '`bypass` (or `no-store`, `off`): neither read nor fill the response cache.',
};
const requestId = { id: 'The request id (`POST /v1/requests` answered it).' };
const batchId = { id: 'The batch id (`POST /v1/batches` answered it).' };
const notFound = (what: string): ResponseDoc => ({
  description: `\`not_found\`: no ${what} with that id, it expired, or it belongs to another key.`,
  content: 'error',
});

/**
 * Every route the API serves, as the OpenAPI document describes it. The admin pages (`/admin/...`,
 * `/dashboard...`: HTML behind their own login, and Bull Board's internal calls) and the assets of
 * `/docs` are left out on purpose; `openapi.test.ts` checks that nothing else is missing.
 */
export const routeDocs: readonly RouteDoc[] = [
  {
    method: 'POST',
    url: '/v1/requests',
    tag: 'requests',
    summary: 'Queue a chat request',
    description: 'Classified, routed to a tier and answered by the workers; poll or wait on `GET /v1/requests/{id}`.',
    access: 'key',
    headers: { ...idempotencyKey, ...cacheBypass },
    body: 'ChatRequest',
    responses: {
      202: { description: 'Queued; `Location` names the request.', content: 'json' },
      200: { description: 'The request an earlier call with this `Idempotency-Key` created.', content: 'json' },
    },
  },
  {
    method: 'GET',
    url: '/v1/requests/:id',
    tag: 'requests',
    summary: 'Read a request',
    description:
      'Status, routing decision (with its experiment arm, when experiments are configured), every attempt ' +
      '(tier, deployment, latency, tokens, cost, quality score), the answer and its cost. ' +
      '`x-switchyard-cache` says whether a completed answer came from the cache.',
    access: 'key',
    pathParameters: requestId,
    query: waitQuerySchema,
    responses: { 200: { description: 'The request record.', content: 'json' }, 404: notFound('request') },
  },
  {
    method: 'POST',
    url: '/v1/requests/:id/feedback',
    tag: 'requests',
    summary: 'Give feedback on a finished request',
    description: 'A score (0..1) or thumbs; giving it again replaces the earlier feedback.',
    access: 'key',
    pathParameters: requestId,
    body: 'Feedback',
    responses: {
      201: { description: 'Recorded.', content: 'json' },
      200: { description: 'Recorded, replacing earlier feedback.', content: 'json' },
      404: notFound('request'),
      409: { description: '`request_not_finished`: the request has no answer yet.', content: 'error' },
    },
  },
  {
    method: 'POST',
    url: '/v1/route',
    tag: 'requests',
    summary: 'Dry-run the classification',
    description: "The routing decision a request would get, with every strategy's verdict; no job is run.",
    access: 'key',
    body: 'ChatRequest',
    responses: { 200: { description: 'The decision and the strategies behind it.', content: 'json' } },
  },
  {
    method: 'POST',
    url: '/v1/batches',
    tag: 'batches',
    summary: 'Queue a batch of chat requests',
    description:
      "A JSON array of requests (or an object with them in `requests`); or, in OpenAI's shape, an object " +
      "naming an uploaded file (`input_file_id`), answered with OpenAI's batch object.",
    access: 'key',
    headers: idempotencyKey,
    body: 'Batch',
    responses: {
      202: { description: 'Queued; `Location` names the batch.', content: 'json' },
      200: {
        description:
          "A batch from a file (OpenAI's batch object), " +
          'or the batch an earlier call with this `Idempotency-Key` created.',
        content: 'json',
      },
      404: notFound('file'),
    },
  },
  {
    method: 'GET',
    url: '/v1/batches/:id',
    tag: 'batches',
    summary: 'Read a batch',
    access: 'key',
    pathParameters: batchId,
    responses: {
      200: { description: "The counts by status; a batch from a file: OpenAI's batch object.", content: 'json' },
      404: notFound('batch'),
    },
  },
  {
    method: 'GET',
    url: '/v1/batches/:id/results',
    tag: 'batches',
    summary: "Read a batch's results",
    access: 'key',
    pathParameters: batchId,
    responses: { 200: { description: 'One JSON line per request.', content: 'ndjson' }, 404: notFound('batch') },
  },
  {
    method: 'GET',
    url: '/v1/batches/:id/events',
    tag: 'batches',
    summary: "Follow a batch's progress",
    access: 'key',
    pathParameters: batchId,
    responses: {
      200: { description: 'Server-sent `progress` events with the counts, then `done`.', content: 'event-stream' },
      404: notFound('batch'),
    },
  },
  {
    method: 'POST',
    url: '/v1/chat/completions',
    tag: 'chat',
    summary: "OpenAI's chat completion, answered through the queues",
    description:
      '`model` is `auto` (classified), a tier or a configured deployment model. ' +
      'Fields this router does not use are accepted and ignored.',
    access: 'key',
    headers: { ...idempotencyKey, ...cacheBypass },
    body: 'ChatCompletionRequest',
    responses: {
      200: {
        description: 'The completion (`stream: true`: server-sent chunks, then `data: [DONE]`).',
        content: ['json', 'event-stream'],
      },
      404: { description: '`model_not_found`: not `auto`, a tier or a configured model.', content: 'error' },
      502: { description: '`request_failed`: providers down or attempts spent.', content: 'error' },
      504: { description: '`sync_timeout`: no answer in time; the request goes on.', content: 'error' },
    },
  },
  {
    method: 'GET',
    url: '/v1/models',
    tag: 'chat',
    summary: 'List the models',
    description: "`auto`, the tiers and the configured deployment models, in OpenAI's list shape.",
    access: 'key',
    responses: { 200: { description: 'The model list.', content: 'json' } },
  },
  {
    method: 'GET',
    url: '/v1/models/*',
    wildcard: 'model',
    tag: 'chat',
    summary: 'Read one model',
    access: 'key',
    pathParameters: { model: 'The model id (it may hold `/`).' },
    responses: {
      200: { description: 'The model.', content: 'json' },
      404: { description: '`model_not_found`: no such model.', content: 'error' },
    },
  },
  {
    method: 'GET',
    url: '/v1/stats',
    tag: 'stats',
    summary: 'Totals from the cost ledger',
    description:
      'UTC days, both ends included (default: the last 30 days, at most 366). ' +
      "An admin key sees every key's totals, a client key its own.",
    access: 'key',
    query: statsQuerySchema,
    responses: {
      200: {
        description: 'Totals, per group, with the quality monitor, the budgets and both arms of every experiment.',
        content: 'json',
      },
    },
  },
  {
    method: 'GET',
    url: '/healthz',
    tag: 'operations',
    summary: 'Liveness',
    access: 'public',
    responses: { 200: { description: 'The process serves HTTP.', content: 'json' } },
  },
  {
    method: 'GET',
    url: '/readyz',
    tag: 'operations',
    summary: 'Readiness',
    access: 'public',
    responses: {
      200: { description: 'Redis answers.', content: 'json' },
      503: { description: 'Redis does not answer within a second.', content: 'json' },
    },
  },
  {
    method: 'GET',
    url: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    access: 'public',
    responses: { 200: { description: 'The Prometheus text format.', content: 'text' } },
  },
  {
    method: 'GET',
    url: '/openapi.json',
    tag: 'documentation',
    summary: 'This document',
    access: 'public',
    responses: { 200: { description: 'The OpenAPI 3.1 document.', content: 'json' } },
  },
  {
    method: 'GET',
    url: '/docs',
    tag: 'documentation',
    summary: 'This document as a browsable page',
    description: 'Served with its scripts and styles from the API itself: no internet needed.',
    access: 'public',
    responses: { 200: { description: 'The page.', content: 'html' } },
  },
];
