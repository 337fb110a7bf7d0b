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
  401: 'invalid_request_error',
  404: 'invalid_request_error',
  429: 'requests',
  500: 'server_error',
  503: 'server_error',
};

type ErrorReply = Extract<FakeReply, { kind: 'error' }>;

function refuse(request: RecordedRequest): ErrorReply | undefined {
  const { headers, body } = request;
  if (!String(headers.authorization ?? '').startsWith('Bearer ')) {
    return { kind: 'error', status: 401, message: 'You did not provide an API key.' };
  }
  for (const field of ['model', 'messages']) {
    if (body[field] === undefined)
      return { kind: 'error', status: 400, message: `Missing required parameter: '${field}'.` };
  }
  const effort = body.reasoning_effort;
  if (effort !== undefined && !reasoningEfforts.includes(String(effort)))
    return { kind: 'error', status: 400, message: `Invalid value for 'reasoning_effort': '${String(effort)}'.` };
  return undefined;
}

const reasoningEfforts = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

function promptText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : [];
  return messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
}

const usage = (parts: AnswerParts) => ({
  prompt_tokens: parts.inputTokens,
  completion_tokens: parts.outputTokens,
  total_tokens: parts.inputTokens + parts.outputTokens,
  ...(parts.thinkingTokens === undefined
    ? {}
    : { completion_tokens_details: { reasoning_tokens: parts.thinkingTokens, accepted_prediction_tokens: 0 } }),
});

function chunk(parts: AnswerParts, choices: unknown[], extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    id: parts.id,
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: parts.model,
    choices,
    ...extra,
  });
}

const openaiDialect: Dialect = {
  name: 'openai',
  path: '/v1/chat/completions',
  baseUrlSuffix: '/v1',
  defaultStopReason: 'stop',
  idPrefix: 'chatcmpl-fake',
  refuse,
  promptText,
  json: (parts) => ({
    id: parts.id,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: parts.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: parts.text, refusal: null },
        finish_reason: parts.stopReason,
        logprobs: null,
      },
    ],
    usage: usage(parts),
  }),
  events(parts, body) {
    const wantsUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    return [
      { data: chunk(parts, [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]) },
      ...textPieces(parts.text).map((piece) => ({
        data: chunk(parts, [{ index: 0, delta: { content: piece }, finish_reason: null }]),
      })),
      { data: chunk(parts, [{ index: 0, delta: {}, finish_reason: parts.stopReason }]) },
      ...(wantsUsage ? [{ data: chunk(parts, [], { usage: usage(parts) }) }] : []),
      { data: '[DONE]' },
    ];
  },
  errorBody: (status, type, message) => ({
    error: {
      message,
      type: type ?? errorTypes[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: null,
      code: null,
    },
  }),
};

/**
 * A local server that speaks OpenAI Chat Completions (`POST /v1/chat/completions`, JSON and SSE
 * with `stream_options.include_usage`, the API's error shape, `Retry-After`), for driving the
 * `openai` SDK, and so every OpenAI-compatible server, in tests.
 */
export function startFakeOpenAI(): Promise<FakeProviderServer> {
  return startFakeProvider(openaiDialect);
}
