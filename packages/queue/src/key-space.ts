import { createHash } from 'node:crypto';

/**
 * Every Redis key Switchyard writes, built in one place.
 *
 * Keys carry a hash tag (`{...}`) so that Redis Cluster keeps what must be together in one slot:
 * each BullMQ queue's keys share its tag (one queue = one slot, different queues may live on
 * different shards). Request records are spread over `ledgerShards` tags, and each shard's cost
 * ledger shares its tag: the Lua step that finishes a record adds it to the ledger in the same
 * slot, atomically, on Redis Cluster too.
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
    return `${this.prefix}:request:{${shardTag(requestId)}}:${requestId}`;
  }

  /** The cost ledger of one UTC day (`YYYY-MM-DD`) for the records of one shard. */
  ledger(shard: number, day: string): string {
    return `${this.prefix}:ledger:{r${shard}}:${day}`;
  }

  /** The ledger a request's record is added to, in the record's slot. */
  ledgerOf(requestId: string, day: string): string {
    return this.ledger(shardOf(requestId), day);
  }

  /** The feedback given on a request, beside its record (same hash tag). */
  feedback(requestId: string): string {
    return `${this.prefix}:feedback:{${shardTag(requestId)}}:${requestId}`;
  }

  /** Quality totals (feedback, judge scores) of one UTC day for the records of one shard. */
  quality(shard: number, day: string): string {
    return `${this.prefix}:quality:{r${shard}}:${day}`;
  }

  /** The quality totals a request's feedback is added to, in the record's slot. */
  qualityOf(requestId: string, day: string): string {
    return this.quality(shardOf(requestId), day);
  }

  /** Client-supplied keys are hashed: they may contain anything, including `{`. */
  idempotency(clientKey: string): string {
    return `${this.prefix}:idempotency:{${createHash('sha256').update(clientKey).digest('hex')}}`;
  }

  /** The chunks of a streaming answer (a Redis stream), tagged like the record it belongs to. */
  answerStream(requestId: string): string {
    return `${this.prefix}:answer:{${requestId}}`;
  }

  batch(batchId: string): string {
    return `${this.prefix}:batch:{${batchId}}`;
  }

  batchMembers(batchId: string): string {
    return `${this.prefix}:batch:{${batchId}}:members`;
  }

  /** What a batch created from a file adds to it in OpenAI's terms, beside the batch (same hash tag). */
  openAIBatch(batchId: string): string {
    return `${this.prefix}:batch:{${batchId}}:openai`;
  }

  /** One API key's batches created from files, newest first (a sorted set scored by creation time). */
  openAIBatchIndex(keyId: string): string {
    return `${this.prefix}:openai-batches:{${keyId}}`;
  }

  /** An uploaded file (`POST /v1/files`): its description and its bytes in one hash. */
  file(fileId: string): string {
    return `${this.prefix}:file:{${fileId}}`;
  }

  /** A budget counter of one API key (`tag` = digest of the key id; `period` = `day:...` or `month:...`). */
  budget(tag: string, period: string): string {
    return `${this.prefix}:budget:{${tag}}:${period}`;
  }

  /** Rate-limit bucket of one API key; both of a key's buckets share its tag, so one script updates them. */
  rateLimit(keyId: string, kind: 'requests' | 'tokens'): string {
    return `${this.prefix}:rate-limit:{${keyId}}:${kind}`;
  }

  /** A response cache entry, by the hex digest of its request (`cacheKeyOf`). */
  responseCache(digest: string): string {
    return `${this.prefix}:cache:{${digest}}`;
  }

  /** Pub/sub channel of provider breaker changes, shared by every executor process. */
  get breakerChannel(): string {
    return `${this.prefix}:breakers`;
  }

  /** Claim of the single recovery probe of a provider endpoint, tagged by endpoint for Redis Cluster. */
  breakerProbe(endpoint: string): string {
    return `${this.prefix}:breaker-probe:{${endpoint}}`;
  }

  /** An endpoint's open breaker, kept until it half-opens, for processes that start later. */
  breakerState(endpoint: string): string {
    return `${this.prefix}:breaker-state:{${endpoint}}`;
  }

  /** Pub/sub channel of request completion events. */
  get eventsChannel(): string {
    return `${this.prefix}:events`;
  }
}

/**
 * Records and ledgers are spread over 64 hash tags: enough slots for a cluster of a few dozen
 * shards to share the records evenly, few enough that a month of stats reads 64 × 31 hashes.
 */
export const ledgerShards = 64;

/** FNV-1a: cheap, stable across processes and versions (never change it: it places records). */
function shardOf(requestId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < requestId.length; index += 1) {
    hash ^= requestId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % ledgerShards;
}

const shardTag = (requestId: string): string => `r${shardOf(requestId)}`;
