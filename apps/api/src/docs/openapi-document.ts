import { chatRequestSchema, type SwitchyardConfig } from '@switchyard/core';
import { z } from 'zod';
import { apiErrorCodes, type ApiErrorCode } from '../api-errors.ts';
import { chatCompletionBodySchema } from '../chat/chat-body.ts';
import { batchItemSchema } from '../request-validation.ts';
import { fileBatchCreateSchema } from '../files/openai-batch-routes.ts';
import { feedbackBodySchema } from '../routes/feedback-routes.ts';
import { fileRouteDocs } from './file-route-docs.ts';
import { type ResponseContent, type RouteDoc, routeDocs } from './route-docs.ts';

type JsonSchema = Record<string, unknown>;

interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

/** The OpenAPI 3.1 document of the API: its schemas are JSON Schema 2020-12, as zod writes them. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  tags: { name: RouteDoc['tag']; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

const bearerScheme = 'bearerAuth';
const errorCodes = Object.keys(apiErrorCodes) as [ApiErrorCode, ...ApiErrorCode[]];

const mediaTypes: Record<Exclude<ResponseContent, 'error'>, string> = {
  json: 'application/json',
  'event-stream': 'text/event-stream',
  ndjson: 'application/x-ndjson',
  jsonl: 'application/jsonl',
  binary: 'application/octet-stream',
  text: 'text/plain',
  html: 'text/html',
};

/** `/v1/requests/:id` → `/v1/requests/{id}`; a trailing `*` becomes the route's wildcard parameter. */
export function openApiPath(route: Pick<RouteDoc, 'url' | 'wildcard'>): string {
  return route.url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, `{${route.wildcard ?? 'path'}}`);
}

/**
 * The document of every route in `routeDocs`, its request bodies and queries converted from the
 * very zod schemas the routes validate with, so the two cannot drift apart. Limits that come from
 * the configuration (the batch size, the comment length) are this configuration's.
 */
export function buildOpenApiDocument(config: SwitchyardConfig): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of [...routeDocs, ...fileRouteDocs]) {
    const path = openApiPath(route);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard API',
      // The version of the HTTP contract, as in the `/v1` prefix of its routes.
      version: '1',
      description:
        'An LLM model router: requests are classified, queued on a tier and answered by its workers. ' +
        'Every error has the OpenAI error shape with a stable `code` (see the `Error` schema).',
    },
    tags: [
      { name: 'requests', description: 'Single requests, their routing and feedback.' },
      { name: 'batches', description: 'Many requests at once.' },
      { name: 'chat', description: 'The OpenAI-compatible routes.' },
      { name: 'stats', description: 'The cost ledger.' },
      { name: 'operations', description: 'Health checks and metrics; no key.' },
      { name: 'documentation', description: 'This document; no key.' },
    ],
    security: [{ [bearerScheme]: [] }],
    paths,
    components: {
      schemas: componentSchemas(config),
      securitySchemes: {
        [bearerScheme]: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key from `switchyard keys create`, as `Authorization: Bearer <key>`. ' +
            'An API started without keys takes every call without one.',
        },
      },
    },
  };
}

/** The request bodies and the error body, as JSON Schema written by zod from the routes' own schemas. */
function componentSchemas(config: SwitchyardConfig): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  const batchItems = z.array(batchItemSchema).min(1).max(config.api.maxBatchSize);
  const schemas: Record<string, z.ZodType> = {
    ChatRequest: chatRequestSchema,
    BatchItem: batchItemSchema,
    Batch: z
      .union([batchItems, z.looseObject({ requests: batchItems }), fileBatchCreateSchema])
      .describe(
        `A JSON array of at most ${config.api.maxBatchSize} requests, or an object with them in \`requests\`, ` +
          "or OpenAI's batch from an uploaded file (`input_file_id`).",
      ),
    FileUpload: z
      .strictObject({
        file: z.string().meta({ contentMediaType: 'application/octet-stream' }).describe('The file (JSONL).'),
        purpose: z.literal('batch'),
      })
      .describe(`A batch input file of at most ${config.api.filesMaxBytes} bytes.`),
    ChatCompletionRequest: chatCompletionBodySchema,
    Feedback: feedbackBodySchema(config.feedback.maxCommentChars).describe(
      'Either `score` (0..1) or `thumbs` (up = 1, down = 0), with an optional comment.',
    ),
    Error: z.strictObject({
      error: z.looseObject({
        message: z.string(),
        type: z.string(),
        param: z.string().nullable().describe('The field the error is about, by path (`messages[0].role`).'),
        code: z.enum(errorCodes).describe(errorCodeTable()),
        details: z
          .array(z.strictObject({ path: z.string(), message: z.string() }))
          .optional()
          .describe('`invalid_body`: every bad field (the first 20).'),
      }),
    }),
  };
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  // Bodies are what clients send: fields with a default are optional (`io: 'input'`).
  const written = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    Object.entries(written.schemas).map(([id, schema]) => {
      // The document states the dialect once (OpenAPI 3.1: JSON Schema 2020-12); the key names each schema.
      const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
      return [id, rest];
    }),
  );
}

function errorCodeTable(): string {
  const rows = errorCodes.map((code) => {
    const { status, description } = apiErrorCodes[code];
    return `| \`${code}\` | ${status} | ${description} |`;
  });
  const header = ['Stable: clients may branch on it.', '', '| code | status | meaning |', '| --- | --- | --- |'];
  return [...header, ...rows].join('\n');
}

function operationOf(route: RouteDoc): Operation {
  const operation: Operation = {
    tags: [route.tag],
    summary: route.summary,
    operationId: operationIdOf(route),
    responses: {},
  };
  if (route.description !== undefined) operation.description = route.description;
  if (route.access === 'public') operation.security = [];
  const parameters = parametersOf(route);
  if (parameters.length > 0) operation.parameters = parameters;
  if (route.body !== undefined) {
    operation.requestBody = {
      required: true,
      content: {
        [route.bodyMediaType ?? 'application/json']: { schema: { $ref: `#/components/schemas/${route.body}` } },
      },
    };
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(route.responses)) responses[status] = responseOf(response);
  if (route.body !== undefined) {
    responses['400'] ??= errorResponse('`invalid_body` (every bad field in `details`) or `invalid_json`.');
    responses['413'] ??= errorResponse('`payload_too_large` or `request_too_large`.');
    responses['415'] ??= errorResponse(
      `\`unsupported_media_type\`: the body must be \`${route.bodyMediaType ?? 'application/json'}\`.`,
    );
  }
  if (route.access === 'key') {
    responses['401'] ??= errorResponse('`invalid_api_key`: no key, or one that is not configured.');
    responses['429'] ??= errorResponse("`rate_limit_exceeded`: the key's requests or tokens per minute are used up.");
    responses.default = errorResponse('Any other error; `code` says which.');
  }
  operation.responses = responses;
  return operation;
}

/** `GET /v1/requests/{id}` → `getV1RequestsId`: what client generators name their methods after. */
function operationIdOf(route: RouteDoc): string {
  const words = openApiPath(route)
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '');
  return [route.method.toLowerCase(), ...words.map((word) => word.charAt(0).toUpperCase() + word.slice(1))].join('');
}

function parametersOf(route: RouteDoc): JsonSchema[] {
  const parameters: JsonSchema[] = [];
  for (const [name, description] of Object.entries(route.pathParameters ?? {}))
    parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  if (route.query !== undefined) {
    const query = z.toJSONSchema(route.query, { io: 'input' }) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {}))
      parameters.push({ name, in: 'query', required: query.required?.includes(name) === true, schema });
  }
  for (const [name, description] of Object.entries(route.headers ?? {}))
    parameters.push({ name, in: 'header', required: false, description, schema: { type: 'string' } });
  return parameters;
}

function responseOf(response: RouteDoc['responses'][string]): JsonSchema {
  if (response.content === 'error') return errorResponse(response.description);
  const kinds = typeof response.content === 'string' ? [response.content] : response.content;
  return {
    description: response.description,
    content: Object.fromEntries(kinds.map((kind) => [mediaTypes[kind], {}])),
  };
}

function errorResponse(description: string): JsonSchema {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
}
