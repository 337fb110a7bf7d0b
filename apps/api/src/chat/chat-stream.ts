import type { CompletionEvent, AnswerInfo, AnswerStreamEntry, AnswerStreamReader } from '@switchyard/queue';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../api-errors.ts';
import type { ApiContext } from '../api-context.ts';
import {
  chatChunk,
  failureError,
  openAIFinishReason,
  openAIUsage,
  recordInfo,
  routingHeaders,
  switchyardField,
  timeoutError,
} from './chat-response.ts';

export interface StreamRelayOptions {
  context: ApiContext;
  /** Taken before the request was written, so a Redis that takes no new connection writes nothing. */
  reader: AnswerStreamReader;
  reply: FastifyReply;
  requestId: string;
  /** The route decided inline, when it was. */
  route?: string | undefined;
  includeUsage: boolean;
  timeoutMs: number;
}

type StopReason = 'timeout' | 'failed' | 'completed-without-stream' | 'closed' | 'shutdown';

/**
 * Relays a request's answer stream to one client as OpenAI `chat.completion.chunk` events.
 *
 * The HTTP status and headers go out with the first entry, so a request that fails or times out
 * before any text still gets a proper error status. Text of a provider call that broke off is
 * skipped while nothing of it went out; once some did, the client gets a `stream_interrupted`
 * error event (the request itself goes on, and its record has the final answer).
 */
export class StreamRelay {
  private readonly controller = new AbortController();
  private stopReason: StopReason | undefined;
  private opened = false;
  private readonly created = Math.floor(Date.now() / 1_000);
  private model = 'auto';

  private readonly options: StreamRelayOptions;

  constructor(options: StreamRelayOptions) {
    this.options = options;
  }

  /** Registered before the request is submitted, so its end cannot be missed. */
  onCompletion(event: CompletionEvent): void {
    if (event.status === 'failed') {
      this.stop('failed');
      return;
    }
    // The executor writes the stream before it completes the record: a completed request without
    // one (its writes failed) is answered from the record.
    void this.options.context.runtime.redis
      .exists(this.options.context.runtime.keys.answerStream(event.requestId))
      .then(
        (exists) => exists === 0 && this.stop('completed-without-stream'),
        () => {},
      );
  }

  async run(): Promise<void> {
    const { context, reply, requestId, timeoutMs } = this.options;
    const timer = setTimeout(() => this.stop('timeout'), timeoutMs);
    const end = () => this.stop('closed');
    const shutdown = () => this.stop('shutdown');
    context.openStreams.add(shutdown);
    // A client that goes away stops the relay, not the request: the call is paid for and its
    // answer lands on the record.
    reply.raw.on('close', end);
    try {
      if (await this.relay()) return;
      if (this.stopReason === 'closed') return this.close();
      if (this.stopReason === 'shutdown') return this.fail(shutdownError(requestId));
      if (this.stopReason === 'timeout') return this.fail(timeoutError(requestId, timeoutMs));
      const record = await context.runtime.store.get(requestId);
      if (record?.status === 'failed') return this.fail(failureError(record));
      const info = record === undefined ? undefined : recordInfo(record);
      if (record === undefined || info === undefined) return this.fail(timeoutError(requestId, timeoutMs));
      this.answer(record.final?.answer ?? '', info, record.decision?.route ?? this.options.route);
    } finally {
      clearTimeout(timer);
      context.openStreams.delete(shutdown);
      reply.raw.off('close', end);
    }
  }

  private stop(reason: StopReason): void {
    this.stopReason ??= reason;
    this.controller.abort();
  }

  /** True when the stream ended the response; false when the relay stopped first. */
  private async relay(): Promise<boolean> {
    const { reader, requestId } = this.options;
    let committed: string | undefined;
    let sentText = false;
    for await (const entry of reader.read(requestId, this.controller.signal)) {
      if (entry.type === 'start') {
        if (sentText) return this.interrupted('another provider call began');
        committed = entry.attempt;
        this.open(entry);
      } else if (entry.type === 'delta') {
        if (entry.attempt !== committed) {
          if (sentText) return this.interrupted('the provider call broke off');
          continue;
        }
        this.send(
          chatChunk(
            requestId,
            this.created,
            this.model,
            { delta: { content: entry.text }, finish_reason: null },
            this.usageSlot(),
          ),
        );
        sentText = true;
      } else if (entry.type === 'abort') {
        if (entry.attempt !== committed) continue;
        if (sentText) return this.interrupted(entry.reason);
        committed = undefined;
      } else if (entry.type === 'end') {
        if (entry.attempt !== committed) {
          if (sentText) return this.interrupted('the provider call broke off');
          continue;
        }
        this.finish(entry.info, this.options.route);
        return true;
      } else {
        if (sentText) return this.interrupted('the answer came from another provider call');
        this.answer(entry.text, entry.info, this.options.route);
        return true;
      }
    }
    return false;
  }

  private answer(text: string, info: AnswerInfo, route: string | undefined): void {
    this.open({ tier: info.tier, provider: info.provider, model: info.model }, info);
    this.send(
      chatChunk(
        this.options.requestId,
        this.created,
        this.model,
        { delta: { content: text }, finish_reason: null },
        this.usageSlot(),
      ),
    );
    this.finish(info, route);
  }

  private open(
    start: Pick<Extract<AnswerStreamEntry, { type: 'start' }>, 'tier' | 'provider' | 'model'>,
    info?: AnswerInfo,
  ): void {
    if (this.opened) return;
    this.opened = true;
    this.model = start.model;
    const { reply, requestId } = this.options;
    const headers =
      info === undefined
        ? {
            'x-switchyard-request-id': requestId,
            'x-switchyard-tier': start.tier,
            'x-switchyard-deployment': `${start.provider}/${start.model}`,
            // Text streamed live from a provider: a cached answer arrives whole, with its info.
            'x-switchyard-cache': 'miss',
          }
        : routingHeaders(requestId, info);
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...headers,
    });
    this.send(
      chatChunk(
        requestId,
        this.created,
        this.model,
        { delta: { role: 'assistant', content: '' }, finish_reason: null },
        this.usageSlot(),
      ),
    );
  }

  private finish(info: AnswerInfo, route: string | undefined): void {
    const { requestId, includeUsage } = this.options;
    this.send({
      ...chatChunk(
        requestId,
        this.created,
        this.model,
        { delta: {}, finish_reason: openAIFinishReason(info.finishReason) },
        this.usageSlot(),
      ),
      switchyard: switchyardField(requestId, route, info),
    });
    if (includeUsage) this.send(chatChunk(requestId, this.created, this.model, undefined, openAIUsage(info.usage)));
    this.close('data: [DONE]\n\n');
  }

  private interrupted(reason: string): true {
    const { requestId } = this.options;
    this.fail(
      new ApiError(
        'stream_interrupted',
        `the answer stream broke off (${reason}); ` +
          `request ${requestId} goes on: GET /v1/requests/${requestId} collects the answer`,
        null,
        [],
        { request_id: requestId },
      ),
    );
    return true;
  }

  /** Before the stream opened, an error is the HTTP answer; after, the stream's last event. */
  private fail(error: ApiError): void {
    if (!this.opened) throw error;
    this.send(error.toBody());
    this.close();
  }

  private usageSlot(): null | undefined {
    return this.options.includeUsage ? null : undefined;
  }

  private send(event: object): void {
    const raw = this.options.reply.raw;
    if (!raw.destroyed) raw.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  private close(last?: string): void {
    const { reply } = this.options;
    // A client gone before anything was sent gets nothing: the handler must not answer either.
    if (!this.opened) reply.hijack();
    if (reply.raw.destroyed || reply.raw.writableEnded) return;
    reply.raw.end(last);
  }
}

/** The API stopped while the stream was open: the client is told, and told where the answer will be. */
function shutdownError(requestId: string): ApiError {
  return new ApiError(
    'api_shutting_down',
    `the API is shutting down; request ${requestId} goes on: GET /v1/requests/${requestId} collects the answer`,
    null,
    [],
    { request_id: requestId },
  );
}
