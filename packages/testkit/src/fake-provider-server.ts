import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a fake provider does with one request. */
export type FakeReply =
  | {
      kind: 'answer';
      /** Default: a sentence that quotes the prompt. */
      text?: string;
      /** Written verbatim into the provider's own field (`stop_reason` / `finish_reason`). */
      stopReason?: string;
      inputTokens?: number;
      /** All generated tokens, thinking included (as both APIs count them). */
      outputTokens?: number;
      /** Thinking text sent before the answer (Anthropic's `thinking` block; OpenAI sends none). */
      thinking?: string;
      /** Of `outputTokens`, those reported as thinking / reasoning in the usage details. */
      thinkingTokens?: number;
      /** Wait this long before answering (a slow provider). */
      delayMs?: number;
    }
  | {
      kind: 'error';
      status: number;
      message?: string;
      type?: string;
      retryAfterSeconds?: number;
      retryAfterMs?: number;
      delayMs?: number;
    }
  /** Never answers; the connection stays open until the client gives up. */
  | { kind: 'hang' }
  /** Destroys the connection: before any byte, or (streaming requests) after the first event. */
  | { kind: 'drop'; midStream?: boolean };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  stream: boolean;
  receivedAt: number;
  /** HTTP status sent, once the reply went out (`undefined` while pending, dropped or abandoned). */
  status?: number;
  repliedAt?: number;
  /** The client went away before the reply was complete (e.g. it timed out and aborted). */
  aborted: boolean;
  /** The server dropped the connection on purpose (a `drop` reply). */
  dropped: boolean;
}

export interface AnswerParts {
  id: string;
  model: string;
  text: string;
  stopReason: string;
  inputTokens: number;
  outputTokens: number;
  thinking?: string;
  thinkingTokens?: number;
}

export interface ServerSentEvent {
  event?: string;
  data: string;
}

/** How one provider's wire format looks; the rest of a fake server is shared. */
export interface Dialect {
  name: string;
  /** Path the SDK posts to, and the suffix the SDK's base URL needs (`/v1` for OpenAI). */
  path: string;
  baseUrlSuffix: string;
  defaultStopReason: string;
  idPrefix: string;
  /** A request the real API would refuse (missing auth, missing field), as the error to send. */
  refuse(request: RecordedRequest): Extract<FakeReply, { kind: 'error' }> | undefined;
  promptText(body: Record<string, unknown>): string;
  json(parts: AnswerParts): unknown;
  events(parts: AnswerParts, body: Record<string, unknown>): ServerSentEvent[];
  errorBody(status: number, type: string | undefined, message: string): unknown;
}

export interface FakeProviderServer {
  /** Pass to the SDK as `baseURL`. */
  readonly baseURL: string;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** The next requests get these replies, in order; after them, the behaviour applies. */
  script(...replies: FakeReply[]): void;
  /** What happens once the script is used up (initially: a normal answer). */
  setBehaviour(behaviour: FakeReply | ((request: RecordedRequest) => FakeReply)): void;
  /** Resolves once `count` requests in total have arrived. */
  waitForRequests(count: number): Promise<void>;
  /** Resolves once `count` requests in total were abandoned by their client. */
  waitForAborts(count: number): Promise<void>;
  close(): Promise<void>;
}

const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/** Starts a fake provider on 127.0.0.1 with a free port. */
export async function startFakeProvider(dialect: Dialect): Promise<FakeProviderServer> {
  const requests: RecordedRequest[] = [];
  const scripted: FakeReply[] = [];
  const events = new EventEmitter();
  let behaviour: FakeReply | ((request: RecordedRequest) => FakeReply) = { kind: 'answer' };
  let sequence = 0;

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify(dialect.errorBody(500, 'api_error', `fake server bug: ${String(error)}`)));
    });
  });

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    const request: RecordedRequest = {
      path: incoming.url ?? '',
      headers: incoming.headers,
      body,
      stream: body.stream === true,
      receivedAt: Date.now(),
      aborted: false,
      dropped: false,
    };
    requests.push(request);
    response.on('close', () => {
      if (!response.writableFinished && !request.aborted && !request.dropped) {
        request.aborted = true;
        events.emit('change');
      }
    });
    events.emit('change');

    const reply: FakeReply =
      request.path.split('?')[0] !== dialect.path
        ? { kind: 'error', status: 404, type: 'not_found_error', message: `no route ${request.path}` }
        : (dialect.refuse(request) ??
          scripted.shift() ??
          (typeof behaviour === 'function' ? behaviour(request) : behaviour));
    await perform(reply, request, response);
  }

  async function perform(reply: FakeReply, request: RecordedRequest, response: ServerResponse): Promise<void> {
    if (reply.kind === 'hang') return;
    if (reply.kind === 'drop' && !(reply.midStream === true && request.stream)) {
      request.dropped = true;
      response.socket?.destroy();
      return;
    }
    if ((reply.kind === 'answer' || reply.kind === 'error') && reply.delayMs !== undefined) {
      await waitOrClose(reply.delayMs, response);
      if (request.aborted) return;
    }
    if (reply.kind === 'error') {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'request-id': `req_fake_${++sequence}`,
      };
      if (reply.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.retryAfterSeconds);
      if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
      const message = reply.message ?? `fake ${dialect.name} error ${reply.status}`;
      finish(
        request,
        response,
        reply.status,
        headers,
        JSON.stringify(dialect.errorBody(reply.status, reply.type, message)),
      );
      return;
    }
    const answer = reply.kind === 'answer' ? reply : { kind: 'answer' as const };
    const prompt = dialect.promptText(request.body);
    const answerText = answer.text ?? `Fake ${dialect.name} answer to: ${prompt.slice(0, 120)}`;
    const parts: AnswerParts = {
      id: `${dialect.idPrefix}${++sequence}`,
      model: typeof request.body.model === 'string' ? request.body.model : 'unknown',
      text: answerText,
      stopReason: answer.stopReason ?? dialect.defaultStopReason,
      inputTokens: answer.inputTokens ?? estimateTokens(prompt),
      outputTokens: answer.outputTokens ?? estimateTokens(answerText),
      ...(answer.thinking === undefined ? {} : { thinking: answer.thinking }),
      ...(answer.thinkingTokens === undefined ? {} : { thinkingTokens: answer.thinkingTokens }),
    };
    if (!request.stream) {
      finish(request, response, 200, { 'content-type': 'application/json' }, JSON.stringify(dialect.json(parts)));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const stream = dialect.events(parts, request.body);
    for (const event of stream) {
      const frame = `${event.event === undefined ? '' : `event: ${event.event}\n`}data: ${event.data}\n\n`;
      // Flushed before the drop, so the client has begun reading an answer when the connection dies.
      await new Promise<void>((resolve) => response.write(frame, () => resolve()));
      if (reply.kind === 'drop') {
        request.dropped = true;
        response.socket?.destroy();
        return;
      }
    }
    finish(request, response, 200, undefined, undefined);
  }

  function finish(
    request: RecordedRequest,
    response: ServerResponse,
    status: number,
    headers: Record<string, string> | undefined,
    body: string | undefined,
  ): void {
    if (headers !== undefined) response.writeHead(status, headers);
    response.end(body);
    request.status = status;
    request.repliedAt = Date.now();
    events.emit('change');
  }

  const waitFor = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      if (done()) return resolve();
      const check = () => {
        if (!done()) return;
        events.off('change', check);
        resolve();
      };
      events.on('change', check);
    });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}${dialect.baseUrlSuffix}`,
    requests,
    script: (...replies) => void scripted.push(...replies),
    setBehaviour: (next) => void (behaviour = next),
    waitForRequests: (count) => waitFor(() => requests.length >= count),
    waitForAborts: (count) => waitFor(() => requests.filter((request) => request.aborted).length >= count),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Waits `ms`, or less when the client goes away meanwhile. */
function waitOrClose(ms: number, response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    response.once('close', done);
    function done() {
      clearTimeout(timer);
      response.off('close', done);
      resolve();
    }
  });
}

/** The answer cut in three pieces, as streams deliver it. */
export function textPieces(text: string): string[] {
  if (text.length < 3) return [text];
  const third = Math.ceil(text.length / 3);
  return [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)];
}
