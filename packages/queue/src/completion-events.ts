import { EventEmitter } from 'node:events';
import { parseJsonOrUndefined } from '@switchyard/core';
import { z } from 'zod';
import type { RedisClient } from './redis-connection.ts';

export const completionEventSchema = z.object({
  requestId: z.string(),
  batchId: z.string().nullable(),
  status: z.enum(['completed', 'failed']),
});

export type CompletionEvent = z.infer<typeof completionEventSchema>;

/**
 * Listens to request completion events (published by the workers inside the same Lua step that
 * finishes the record). One Redis subscription per process, fanned out locally, so a thousand
 * waiting HTTP clients cost one connection.
 *
 * Waiters must subscribe before reading the record: then an event that arrives between the read
 * and the wait is not lost.
 *
 * On Redis Cluster the channel is classic (not sharded) pub/sub: a PUBLISH on the node of the
 * record reaches every node, so this subscriber may sit on any of them.
 */
export class CompletionEvents {
  private readonly emitter = new EventEmitter();
  private ready: Promise<void> | undefined;

  private readonly subscriber: RedisClient;
  private readonly channel: string;

  constructor(subscriber: RedisClient, channel: string) {
    this.subscriber = subscriber;
    this.channel = channel;
    // Every waiting HTTP request adds a listener; the default limit of 10 would only warn.
    this.emitter.setMaxListeners(0);
    subscriber.on('ready', () => this.emitter.emit('reconnected'));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const parsed = completionEventSchema.safeParse(parseJsonOrUndefined(message));
      if (!parsed.success) return;
      this.emitter.emit('completion', parsed.data);
      this.emitter.emit(`request:${parsed.data.requestId}`, parsed.data);
      if (parsed.data.batchId !== null) this.emitter.emit(`batch:${parsed.data.batchId}`, parsed.data);
    });
  }

  /**
   * Called each time the subscription comes back after its connection dropped (ioredis
   * resubscribes by itself). Events published meanwhile were not received: listeners recount.
   */
  onReconnect(listener: () => void): () => void {
    return this.listen('reconnected', listener);
  }

  /** Subscribes once; later calls return the same promise. */
  start(): Promise<void> {
    this.ready ??= this.subscriber.subscribe(this.channel).then(() => undefined);
    return this.ready;
  }

  onAny(listener: (event: CompletionEvent) => void): () => void {
    return this.listen('completion', listener);
  }

  onRequest(requestId: string, listener: (event: CompletionEvent) => void): () => void {
    return this.listen(`request:${requestId}`, listener);
  }

  onBatch(batchId: string, listener: (event: CompletionEvent) => void): () => void {
    return this.listen(`batch:${batchId}`, listener);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
    this.subscriber.disconnect();
  }

  private listen(name: string, listener: (event: CompletionEvent) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
