import { z } from 'zod';
import type { KeySpace } from './key-space.ts';
import { createRedis, waitForRedis, type RedisClient } from './redis-connection.ts';

/** What the client is told about the answer once it is final. Usage and cost cover every attempt. */
export const answerInfoSchema = z.object({
  tier: z.string(),
  provider: z.string(),
  model: z.string(),
  hop: z.number().int(),
  escalations: z.number().int(),
  finishReason: z.string(),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), thinkingTokens: z.number().optional() }),
  costUsd: z.number(),
  baselineCostUsd: z.number(),
  simulated: z.boolean(),
});

/**
 * One entry of a request's answer stream. `attempt` names one provider call: the entries of a
 * call that broke off are followed by its `abort`, or (a worker that died) by another attempt's.
 * - `start`, `delta`..., `end`: text streamed live from the provider.
 * - `answer`: the whole answer at once, written after the quality gate passed it.
 */
export const answerStreamEntrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    attempt: z.string(),
    tier: z.string(),
    provider: z.string(),
    model: z.string(),
  }),
  z.object({ type: z.literal('delta'), attempt: z.string(), text: z.string() }),
  z.object({ type: z.literal('end'), attempt: z.string(), info: answerInfoSchema }),
  z.object({ type: z.literal('answer'), attempt: z.string(), text: z.string(), info: answerInfoSchema }),
  z.object({ type: z.literal('abort'), attempt: z.string(), reason: z.string() }),
]);

export type AnswerInfo = z.infer<typeof answerInfoSchema>;
export type AnswerStreamEntry = z.infer<typeof answerStreamEntrySchema>;

export interface AnswerStreamSettings {
  ttlSeconds: number;
  maxLength: number;
}

/** The executor's side: appends entries without waiting for each (one connection keeps them in order). */
export class AnswerStreamWriter {
  private readonly pending: Promise<unknown>[] = [];
  private failure: Error | undefined;
  private expirySet = false;
  private readonly redis: RedisClient;
  private readonly key: string;
  private readonly settings: AnswerStreamSettings;

  constructor(redis: RedisClient, key: string, settings: AnswerStreamSettings) {
    this.redis = redis;
    this.key = key;
    this.settings = settings;
  }

  static forRequest(redis: RedisClient, keys: KeySpace, requestId: string, settings: AnswerStreamSettings) {
    return new AnswerStreamWriter(redis, keys.answerStream(requestId), settings);
  }

  write(entry: AnswerStreamEntry): void {
    const { maxLength, ttlSeconds } = this.settings;
    this.track(this.redis.xadd(this.key, 'MAXLEN', '~', String(maxLength), '*', 'entry', JSON.stringify(entry)));
    // The TTL is set with the first entry and renewed with the last, so the stream lives
    // `ttlSeconds` past its end.
    const last = entry.type === 'end' || entry.type === 'answer' || entry.type === 'abort';
    if (!this.expirySet || last) {
      this.expirySet = true;
      this.track(this.redis.expire(this.key, ttlSeconds));
    }
  }

  /**
   * Waits for every write so far. Returns the first failure instead of throwing: the answer is
   * paid for and goes on the record either way; a client that lost chunks collects it by id.
   */
  async flush(): Promise<Error | undefined> {
    await Promise.allSettled(this.pending.splice(0));
    return this.failure;
  }

  private track(write: Promise<unknown>): void {
    this.pending.push(
      write.catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      }),
    );
  }
}

/** Idle blocking connections kept for the next reader: opening one costs a round trip or two. */
const idleReadersKept = 16;
/** XREAD waits at most this long per call, so a stopped reader notices within it even without an abort. */
const blockMs = 5_000;
/** A new reader connection that is not ready within this long means Redis is not really there. */
const connectTimeoutMs = 5_000;

/**
 * The API's side. XREAD BLOCK holds its connection, so each open stream holds one from a pool of
 * at most `maxReaders` (the Redis connections one API opens for streams): a stream beyond them
 * waits for a reader to be released. Reading starts at id 0, so an entry written before the
 * client attached is read too.
 */
export class AnswerStreamReaders {
  private readonly idle: RedisClient[] = [];
  private readonly busy = new Set<RedisClient>();
  /** Acquirers waiting for a slot: given a released connection, or undefined to open their own. */
  private readonly waiting: ((connection: RedisClient | undefined) => void)[] = [];
  /** Connections open or opening, idle ones included. */
  private open = 0;
  private readonly redisUrl: string;
  private readonly keys: KeySpace;
  private readonly maxReaders: number;

  constructor(redisUrl: string, keys: KeySpace, maxReaders = 256) {
    this.redisUrl = redisUrl;
    this.keys = keys;
    this.maxReaders = maxReaders;
  }

  get openConnections(): number {
    return this.open;
  }

  /**
   * A ready reader connection, held until the returned reader is released (its `read` releases it
   * when it ends). Throws when Redis does not take a new connection in time: callers take the
   * reader before writing anything, so such a failure leaves nothing behind.
   */
  async acquire(): Promise<AnswerStreamReader> {
    let connection = this.idle.pop();
    if (connection === undefined && this.open >= this.maxReaders)
      connection = await new Promise<RedisClient | undefined>((resolve) => this.waiting.push(resolve));
    if (connection === undefined) {
      this.open += 1;
      connection = createRedis(this.redisUrl, 'producer', 'switchyard-answer-reader');
      try {
        // A new connection of the API's kind refuses commands until it is ready (no offline queue).
        await waitForRedis(connection, connectTimeoutMs);
      } catch (error) {
        this.discard(connection);
        throw error;
      }
    }
    this.busy.add(connection);
    return new AnswerStreamReader(connection, this.keys, (reusable) => this.release(connection, reusable));
  }

  close(): void {
    for (const connection of [...this.idle, ...this.busy]) connection.disconnect();
    this.idle.length = 0;
    this.busy.clear();
  }

  private release(connection: RedisClient, reusable: boolean): void {
    this.busy.delete(connection);
    const ready = reusable && connection.status === 'ready';
    const next = this.waiting.shift();
    if (next !== undefined && ready) {
      next(connection);
      return;
    }
    if (ready && next === undefined && this.idle.length < idleReadersKept) {
      this.idle.push(connection);
      return;
    }
    this.discard(connection);
    next?.(undefined);
  }

  private discard(connection: RedisClient): void {
    this.open -= 1;
    connection.disconnect();
  }
}

/** One held reader connection: reads one request's stream, then goes back to the pool. */
export class AnswerStreamReader {
  private released = false;
  /** Held until `release`; exposed for a caller's own commands between reads (a test's round trip). */
  readonly connection: RedisClient;
  private readonly keys: KeySpace;
  private readonly onRelease: (reusable: boolean) => void;

  constructor(connection: RedisClient, keys: KeySpace, onRelease: (reusable: boolean) => void) {
    this.connection = connection;
    this.keys = keys;
    this.onRelease = onRelease;
  }

  /** Entries in order until `signal` aborts; the caller stops iterating once it has what it needs. */
  async *read(requestId: string, signal: AbortSignal): AsyncGenerator<AnswerStreamEntry> {
    const { connection } = this;
    const key = this.keys.answerStream(requestId);
    // A blocked XREAD only ends with its timeout: an abort closes the connection to end it now.
    const onAbort = () => connection.disconnect();
    signal.addEventListener('abort', onAbort, { once: true });
    let reusable = true;
    try {
      let lastId = '0';
      while (!signal.aborted) {
        let reply: [string, [string, string[]][]][] | null;
        try {
          reply = (await connection.xread('COUNT', 1_000, 'BLOCK', blockMs, 'STREAMS', key, lastId)) as typeof reply;
        } catch (error) {
          reusable = false;
          if (signal.aborted) return;
          throw error;
        }
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const parsed = answerStreamEntrySchema.safeParse(parseJson(fields[1]));
            if (parsed.success) yield parsed.data;
          }
        }
      }
      reusable = false;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.release(reusable && !signal.aborted);
    }
  }

  /** Gives the connection back (once); one that may still be blocked in XREAD is closed instead. */
  release(reusable = true): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(reusable);
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
