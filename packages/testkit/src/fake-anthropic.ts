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
  const thinking = refuseThinking(body);
  if (thinking !== undefined) return thinking;
  if (headers['anthropic-version'] === '2026-10-21') {
    const sampling = samplingFields.find((field) => field in body);
    if (sampling !== undefined)
      return { kind: 'error', status: 400, message: `${sampling}: Extra inputs are not permitted` };
  }
  return undefined;
}

/** The API's own checks of manual extended thinking. */
function refuseThinking(body: Record<string, unknown>): ErrorReply | undefined {
  const thinking = body.thinking as { type?: unknown; budget_tokens?: unknown } | undefined;
  if (thinking?.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens;
  if (typeof budget !== 'number' || budget < 1_024)
    return { kind: 'error', status: 400, message: 'thinking.enabled.budget_tokens: Input should be >= 1024' };
  if (typeof body.max_tokens === 'number' && budget >= body.max_tokens)
    return { kind: 'error', status: 400, message: '`max_tokens` must be greater than `thinking.budget_tokens`' };
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

const usage = (inputTokens: number, outputTokens: number, thinkingTokens?: number) => ({
  input_tokens: inputTokens,
  output_tokens: outputTokens,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation: null,
  inference_geo: null,
  output_tokens_details: thinkingTokens === undefined ? null : { thinking_tokens: thinkingTokens },
  server_tool_use: null,
  service_tier: 'standard',
  speed: null,
});

function message(
  parts: AnswerParts,
  content: unknown[],
  stopReason: string | null,
  outputTokens: number,
  thinkingTokens?: number,
) {
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
    usage: usage(parts.inputTokens, outputTokens, thinkingTokens),
  };
}

const signature = 'ZmFrZSBzaWduYXR1cmU=';

/** The blocks of the whole answer: the thinking block first, as the API sends it, then the text. */
function contentBlocks(parts: AnswerParts): unknown[] {
  return [
    ...(parts.thinking === undefined ? [] : [{ type: 'thinking', thinking: parts.thinking, signature }]),
    { type: 'text', text: parts.text, citations: null },
  ];
}

const data = (value: unknown) => JSON.stringify(value);

/** One content block as a stream: start, its deltas, stop. */
function blockEvents(index: number, start: unknown, deltas: unknown[]) {
  return [
    { event: 'content_block_start', data: data({ type: 'content_block_start', index, content_block: start }) },
    ...deltas.map((delta) => ({
      event: 'content_block_delta',
      data: data({ type: 'content_block_delta', index, delta }),
    })),
    { event: 'content_block_stop', data: data({ type: 'content_block_stop', index }) },
  ];
}

const anthropicDialect: Dialect = {
  name: 'anthropic',
  path: '/v1/messages',
  baseUrlSuffix: '',
  defaultStopReason: 'end_turn',
  idPrefix: 'msg_fake_',
  refuse,
  promptText,
  json: (parts) => message(parts, contentBlocks(parts), parts.stopReason, parts.outputTokens, parts.thinkingTokens),
  events(parts) {
    const thinking =
      parts.thinking === undefined
        ? []
        : blockEvents(0, { type: 'thinking', thinking: '', signature: '' }, [
            ...textPieces(parts.thinking).map((piece) => ({ type: 'thinking_delta', thinking: piece })),
            { type: 'signature_delta', signature },
          ]);
    const text = blockEvents(
      thinking.length === 0 ? 0 : 1,
      { type: 'text', text: '', citations: null },
      textPieces(parts.text).map((piece) => ({ type: 'text_delta', text: piece })),
    );
    return [
      { event: 'message_start', data: data({ type: 'message_start', message: message(parts, [], null, 1) }) },
      { event: 'ping', data: data({ type: 'ping' }) },
      ...thinking,
      ...text,
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
            output_tokens_details:
              parts.thinkingTokens === undefined ? null : { thinking_tokens: parts.thinkingTokens },
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
