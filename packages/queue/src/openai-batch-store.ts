import type { KeySpace } from './key-space.ts';
import type { RedisClient } from './redis-connection.ts';

/** Request counts of a finished batch, kept once it is: its records need not be counted again. */
export interface FinishedCounts {
  total: number;
  completed: number;
  failed: number;
}

/**
 * What a batch created from an uploaded file (OpenAI's batch API) holds besides the batch itself.
 * Times are epoch milliseconds.
 */
export interface OpenAIBatchMeta {
  batchId: string;
  keyId: string;
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
  createdAtMs: number;
  /** When cancel was asked for: queued requests were failed then, running ones finish. */
  cancellingAtMs?: number;
  /** When its last request finished, written once by the first reader that finds it finished. */
  finishedAtMs?: number;
  finishedCounts?: FinishedCounts;
}

/**
 * KEYS[1] a key's batch list; ARGV[1] batch id, ARGV[2] its creation time (ms), ARGV[3] the
 * oldest time kept, ARGV[4] TTL seconds. Scores strictly increase: two batches of one millisecond
 * still list in creation order, which `after` pages rely on.
 */
const indexScript = `
local newest = redis.call('ZREVRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
local score = tonumber(ARGV[2])
if newest and tonumber(newest) >= score then score = tonumber(newest) + 1 end
redis.call('ZADD', KEYS[1], score, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return score
`;

/**
 * OpenAI batches, in Redis: one hash beside each batch (same hash tag, same retention) and one
 * sorted set per API key, scored by creation time, for `GET /v1/batches`.
 */
export class OpenAIBatchStore {
  private readonly redis: RedisClient;
  private readonly keys: KeySpace;
  private readonly retentionSeconds: number;

  constructor(redis: RedisClient, keys: KeySpace, retentionSeconds: number) {
    this.redis = redis;
    this.keys = keys;
    this.retentionSeconds = retentionSeconds;
  }

  /**
   * Writes the batch's hash, before the batch itself exists: a reader never finds a batch from a
   * file without it. Readers skip a listed id whose batch does not exist (yet, or any more).
   */
  async save(meta: OpenAIBatchMeta): Promise<void> {
    const key = this.keys.openAIBatch(meta.batchId);
    const fields: Record<string, string> = {
      batchId: meta.batchId,
      keyId: meta.keyId,
      inputFileId: meta.inputFileId,
      endpoint: meta.endpoint,
      completionWindow: meta.completionWindow,
      metadata: JSON.stringify(meta.metadata),
      createdAtMs: String(meta.createdAtMs),
    };
    await this.redis.multi().hset(key, fields).expire(key, this.retentionSeconds).exec();
  }

  /** Lists the batch under its key; entries older than the retention (their batches are gone) are dropped. */
  async index(meta: OpenAIBatchMeta): Promise<void> {
    await this.redis.eval(
      indexScript,
      1,
      this.keys.openAIBatchIndex(meta.keyId),
      meta.batchId,
      String(meta.createdAtMs),
      String(Date.now() - this.retentionSeconds * 1_000),
      String(this.retentionSeconds),
    );
  }

  /** Removes what was written for a submission that did not happen (failed, or an idempotent repeat). */
  async discard(meta: Pick<OpenAIBatchMeta, 'batchId' | 'keyId'>): Promise<void> {
    await this.redis.zrem(this.keys.openAIBatchIndex(meta.keyId), meta.batchId);
    await this.redis.del(this.keys.openAIBatch(meta.batchId));
  }

  async get(batchId: string): Promise<OpenAIBatchMeta | undefined> {
    const hash = await this.redis.hgetall(this.keys.openAIBatch(batchId));
    if (!hash.batchId) return undefined;
    const meta: OpenAIBatchMeta = {
      batchId: hash.batchId,
      keyId: hash.keyId ?? '',
      inputFileId: hash.inputFileId ?? '',
      endpoint: hash.endpoint ?? '',
      completionWindow: hash.completionWindow ?? '',
      metadata: JSON.parse(hash.metadata ?? 'null') as Record<string, string> | null,
      createdAtMs: Number(hash.createdAtMs),
    };
    if (hash.cancellingAtMs !== undefined) meta.cancellingAtMs = Number(hash.cancellingAtMs);
    if (hash.finishedAtMs !== undefined) meta.finishedAtMs = Number(hash.finishedAtMs);
    if (hash.finishedCounts !== undefined) meta.finishedCounts = JSON.parse(hash.finishedCounts) as FinishedCounts;
    return meta;
  }

  /** Marks cancel as asked for; a second call keeps the first time. Returns the time that holds. */
  async markCancelling(batchId: string, atMs: number): Promise<number> {
    const key = this.keys.openAIBatch(batchId);
    const results = await this.redis
      .multi()
      .hsetnx(key, 'cancellingAtMs', String(atMs))
      .hget(key, 'cancellingAtMs')
      .exec();
    const stored = results?.[1]?.[1];
    return typeof stored === 'string' ? Number(stored) : atMs;
  }

  /**
   * Records that the batch finished, once: two readers finding it finished at the same moment
   * both write, and the first write stays (each field is set only if absent, in one transaction).
   */
  async markFinished(batchId: string, finishedAtMs: number, counts: FinishedCounts): Promise<void> {
    const key = this.keys.openAIBatch(batchId);
    await this.redis
      .multi()
      .hsetnx(key, 'finishedCounts', JSON.stringify(counts))
      .hsetnx(key, 'finishedAtMs', String(finishedAtMs))
      .exec();
  }

  /**
   * A page of one key's batch ids, newest first, starting after `afterId` (exclusive). Returns
   * undefined when `afterId` is not in the key's list.
   */
  async list(keyId: string, limit: number, afterId?: string): Promise<{ ids: string[]; hasMore: boolean } | undefined> {
    const key = this.keys.openAIBatchIndex(keyId);
    let start = 0;
    if (afterId !== undefined) {
      const rank = await this.redis.zrevrank(key, afterId);
      if (rank === null) return undefined;
      start = rank + 1;
    }
    // One more than asked for says whether there is a next page.
    const ids = await this.redis.zrevrange(key, start, start + limit);
    return { ids: ids.slice(0, limit), hasMore: ids.length > limit };
  }
}
