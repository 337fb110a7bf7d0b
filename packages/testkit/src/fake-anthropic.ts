import {
  startFakeProvider,
  textPieces,
  type AnswerParts,
  type Dialect,
  type FakeProviderServer,
  type FakeReply,
  type RecordedRequest,
} from './fake-provider-server.ts';

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

// API version 2026-10-21 (what `@anthropic-ai/sdk` 1.x sends) refuses sampling parameters, even
// at their defaults; the fake does the same so that an adapter sending them fails its tests.
const samplingFields = ['temperature', 'top_p', 'top_k'];

type ErrorReply = Extract<FakeReply, { kind: 'error' }>;

function refuse(request: RecordedRequest): ErrorReply | undefined {
  const { headers, body } = request;
  if (headers.authorization === undefined && headers['x-api-key'] === undefined) {
    return { kind: 'error', status: 401, message: 'x-api-key header is required' };
  }
  for (const field of ['model', 'max_tokens', 'messages']) {
    if (body[field] === undefined) return { kind: 'error', status: 400, message: `${field}: Field required` };
  }
  if (headers['anthropic-version'] === '2026-10-21') {
    const sampling = samplingFields.find((field) => field in body);
    if (sampling !== undefined)
      return { kind: 'error', status: 400, message: `${sampling}: Extra inputs are not permitted` };
  }
  return undefined;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (typeof block === 'object' && block !== null && 'text' in block ? String(block.text) : ''))
    .join('');
}

function promptText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : [];
  return [contentText(body.system), ...messages.map((message) => contentText(message.content))]
    .filter(Boolean)
    .join('\n');
}

const usage = (inputTokens: number, outputTokens: number) => ({
  input_tokens: inputTokens,
  output_tokens: outputTokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation: null,
  inference_geo: null,
  output_tokens_details: null,
  server_tool_use: null,
  service_tier: 'standard',
  speed: null,
});

function message(parts: AnswerParts, content: unknown[], stopReason: string | null, outputTokens: number) {
  return {
    id: parts.id,
    type: 'message',
    role: 'assistant',
    model: parts.model,
    content,
    container: null,
    diagnostics: null,
    stop_details: null,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: usage(parts.inputTokens, outputTokens),
  };
}

const anthropicDialect: Dialect = {
  name: 'anthropic',
  path: '/v1/messages',
  baseUrlSuffix: '',
  defaultStopReason: 'end_turn',
  idPrefix: 'msg_fake_',
  refuse,
  promptText,
  json: (parts) =>
    message(parts, [{ type: 'text', text: parts.text, citations: null }], parts.stopReason, parts.outputTokens),
  events(parts) {
    const data = (value: unknown) => JSON.stringify(value);
    return [
      { event: 'message_start', data: data({ type: 'message_start', message: message(parts, [], null, 1) }) },
      {
        event: 'content_block_start',
        data: data({
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'text', text: '', citations: null },
        }),
      },
      { event: 'ping', data: data({ type: 'ping' }) },
      ...textPieces(parts.text).map((piece) => ({
        event: 'content_block_delta',
        data: data({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }),
      })),
      { event: 'content_block_stop', data: data({ type: 'content_block_stop', index: 0 }) },
      {
        event: 'message_delta',
        data: data({
          type: 'message_delta',
          delta: { stop_reason: parts.stopReason, stop_sequence: null, stop_details: null, container: null },
          usage: {
            output_tokens: parts.outputTokens,
            input_tokens: parts.inputTokens,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        }),
      },
      { event: 'message_stop', data: data({ type: 'message_stop' }) },
    ];
  },
  errorBody: (status, type, message) => ({
    type: 'error',
    error: { type: type ?? errorTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message },
    request_id: null,
  }),
};

/**
 * A local server that speaks the Anthropic Messages API (`POST /v1/messages`, JSON and SSE, the
 * API's error shape, `Retry-After`), for driving `@anthropic-ai/sdk` in tests.
 */
export function startFakeAnthropic(): Promise<FakeProviderServer> {
  return startFakeProvider(anthropicDialect);
}
