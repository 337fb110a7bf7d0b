import { createHash } from 'node:crypto';

/**
 * Every Redis key Switchyard writes, built in one place.
 *
 * Keys carry a hash tag (`{...}`) so that Redis Cluster keeps what must be together in one slot:
 * each BullMQ queue's keys share its tag (one queue = one slot, different queues may live on
 * different shards), and each request record is tagged by its own id.
 */
export class KeySpace {
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** BullMQ `prefix` option for a queue: `{switchyard.tier.simple}` → keys `{switchyard.tier.simple}:tier.simple:*`. */
  queuePrefix(queueName: string): string {
    return `{${this.prefix}.${queueName}}`;
  }

  request(requestId: string): string {
    return `${this.prefix}:request:{${requestId}}`;
  }

  /** Client-supplied keys are hashed: they may contain anything, including `{`. */
  idempotency(clientKey: string): string {
    return `${this.prefix}:idempotency:{${createHash('sha256').update(clientKey).digest('hex')}}`;
  }

  batch(batchId: string): string {
    return `${this.prefix}:batch:{${batchId}}`;
  }

  batchMembers(batchId: string): string {
    return `${this.prefix}:batch:{${batchId}}:members`;
  }

  /** Pub/sub channel of provider breaker changes, shared by every executor process. */
  get breakerChannel(): string {
    return `${this.prefix}:breakers`;
  }

  /** Claim of the single recovery probe of a provider endpoint, tagged by endpoint for Redis Cluster. */
  breakerProbe(endpoint: string): string {
    return `${this.prefix}:breaker-probe:{${endpoint}}`;
  }

  /** Pub/sub channel of request completion events. */
  get eventsChannel(): string {
    return `${this.prefix}:events`;
  }
}
