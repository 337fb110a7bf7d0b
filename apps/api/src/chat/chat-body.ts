import { formatPath, type ChatMessage, type ChatRequest } from '@switchyard/core';
import { z } from 'zod';
import { ApiError, validationError } from '../api-errors.ts';
import { parseChatRequest, type RequestLimits } from '../request-validation.ts';
import type { ModelCatalog } from './model-catalog.ts';

/**
 * `POST /v1/chat/completions` as OpenAI defines it. Objects are loose: a field this router does
 * not use (`tools`, `seed`, `logprobs`, a newer SDK's additions) is accepted and ignored, never a
 * 400. Optional fields accept `null`, as OpenAI's API does.
 */
const contentPartSchema = z.looseObject({
  type: z.string(),
  text: z.unknown().optional(),
  refusal: z.unknown().optional(),
});

const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  // Null is OpenAI's content of an assistant turn that only called tools.
  content: z
    .union([z.string(), z.array(contentPartSchema, 'expected a content part object'), z.null()], {
      error: 'expected a string, an array of content parts ({"type": "text", "text": "..."}) or null',
    })
    .optional(),
});

export const chatCompletionBodySchema = z.looseObject({
  model: z.string().min(1, 'required: "auto", a tier or a model (GET /v1/models lists them)'),
  messages: z.array(messageSchema).min(1, 'at least one message is required'),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  stop: z
    .union([z.string().min(1), z.array(z.string().min(1)).max(4)], {
      error: 'expected a non-empty string or an array of at most 4 non-empty strings',
    })
    .nullish(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).nullish(),
  user: z.string().max(512).nullish(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  n: z.literal(1, 'only 1 choice per request is supported').nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  /** Switchyard's own: `false` neither reads nor fills the response cache (header: `x-switchyard-cache: bypass`). */
  cache: z.boolean().nullish(),
});

export type ChatCompletionBody = z.infer<typeof chatCompletionBodySchema>;

export interface ParsedChatCompletion {
  body: ChatCompletionBody;
  /** What goes on the request record and to the executor, without the routing fields. */
  request: ChatRequest;
}

/** Validates the body (400 naming each bad field) and turns it into a request of our own shape. */
export function parseChatCompletion(raw: unknown): ParsedChatCompletion {
  const parsed = chatCompletionBodySchema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error.issues);
  const body = parsed.data;
  const request: ChatRequest = { messages: body.messages.map((message, index) => toMessage(message, index)) };
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens !== null && maxTokens !== undefined) request.max_tokens = maxTokens;
  if (body.temperature !== null && body.temperature !== undefined) request.temperature = body.temperature;
  if (body.stop !== null && body.stop !== undefined)
    request.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.response_format !== null && body.response_format !== undefined)
    // A JSON schema is asked for as JSON: the gate checks the answer parses; the schema itself is not enforced.
    request.response_format = { type: body.response_format.type === 'text' ? 'text' : 'json_object' };
  if (body.metadata !== null && body.metadata !== undefined) request.metadata = body.metadata;
  if (body.cache === false) request.cache = false;
  return { body, request };
}

/**
 * Everything a chat completion body is checked for, on `POST /v1/chat/completions` and on each
 * line of a batch file alike: OpenAI's shape, then the rules every request is held to (a user
 * message with content, `api.maxMessages`, the size limit) on what that shape became, so that
 * errors name the same fields; `model` pins a tier when it names one.
 */
export function parseChatCompletionRequest(
  raw: unknown,
  limits: RequestLimits,
  catalog: ModelCatalog,
): ParsedChatCompletion {
  const { body, request: converted } = parseChatCompletion(raw);
  const request = parseChatRequest(converted, limits);
  const choice = catalog.resolve(body.model);
  if (choice.kind === 'tier') request.force_tier = choice.tier;
  return { body, request };
}

function toMessage(message: ChatCompletionBody['messages'][number], index: number): ChatMessage {
  const at = (...path: PropertyKey[]) => formatPath(['messages', index, ...path]);
  if (message.role === 'tool' || message.role === 'function') {
    throw new ApiError(
      'unsupported_content',
      `${at('role')}: "${message.role}" messages are not supported; Switchyard routes text conversations`,
      at('role'),
    );
  }
  // OpenAI's newer name for system instructions.
  const role = message.role === 'developer' ? 'system' : message.role;
  const { content } = message;
  if (content === undefined || content === null) return { role, content: '' };
  if (typeof content === 'string') return { role, content };
  const texts = content.map((part, partIndex) => {
    if (part.type === 'text' && typeof part.text === 'string') return part.text;
    if (part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal;
    const path = at('content', partIndex, 'type');
    if (part.type === 'text' || part.type === 'refusal') {
      const field = at('content', partIndex, part.type);
      throw new ApiError('invalid_body', `${field}: required, a string`, field);
    }
    throw new ApiError(
      'unsupported_content',
      `${path}: "${part.type}" parts are not supported; ` +
        'send text parts (the models of a tier may not read images or audio)',
      path,
    );
  });
  return { role, content: texts.join('\n') };
}
