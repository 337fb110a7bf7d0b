import {
  MalformedJobError,
  openModeKeyId,
  type Attempt,
  type FinalAnswer,
  type RequestError,
  type RequestRecord,
  type RequestStatus,
  type RoutingDecision,
} from '@switchyard/core';
import type { KeySpace } from './key-space.ts';
import { RecordFinisher } from './record-finisher.ts';
import { toRecord } from './record-hash.ts';
import {
  cancelWaitingScript,
  createRecordScript,
  releaseIfOwnerScript,
  swapOwnerScript,
  updateUnlessTerminalScript,
} from './record-scripts.ts';
import type { RedisClient } from './redis-connection.ts';
import type { BatchMeta, NewRequest } from './request-shapes.ts';

export type { BatchMeta, NewRequest } from './request-shapes.ts';

export type StatusCounts = Record<RequestStatus, number> & { total: number };

/** Writes per pipeline when creating or reading many records: bounds memory and reply size. */
const chunkSize = 500;

const attemptField = (hop: number) => `attempt:${hop}`;

/**
 * The request record: the one source every read endpoint serves. One Redis hash per request;
 * attempts are stored one field per hop so a redelivered hop overwrites itself instead of
 * appending a duplicate.
 */
export class RequestStore {
  private readonly redis: RedisClient;
  private readonly keys: KeySpace;
  private readonly retentionSeconds: number;
  private readonly finisher: RecordFinisher;

  constructor(redis: RedisClient, keys: KeySpace, retentionSeconds: number, ledgerRetentionSeconds = 400 * 86_400) {
    this.redis = redis;
    this.keys = keys;
    this.retentionSeconds = retentionSeconds;
    this.finisher = new RecordFinisher(redis, keys, retentionSeconds, ledgerRetentionSeconds);
  }

  /**
   * Claims a client idempotency key for `ownerId`. Returns the id that owns the key: `ownerId`
   * when the claim succeeded, the earlier owner's id when the key was used before and that owner
   * still exists (`stillExists`). A key whose owner is gone (expired, or its submission was
   * rolled back) is taken over.
   */
  async claimIdempotencyKey(
    clientKey: string,
    ownerId: string,
    stillExists: (owner: string) => Promise<boolean>,
  ): Promise<string> {
    const key = this.keys.idempotency(clientKey);
    // Bounded: each round either returns or lost a race to another claimant that just wrote.
    for (let round = 0; round < 5; round += 1) {
      const claimed = await this.redis.set(key, ownerId, 'EX', this.retentionSeconds, 'NX');
      if (claimed === 'OK') return ownerId;
      const owner = await this.redis.get(key);
      if (owner === null) continue;
      if (await stillExists(owner)) return owner;
      // Take the key over from the vanished owner only if nobody else did in the meantime.
      const swapped = await this.redis.eval(swapOwnerScript, 1, key, owner, ownerId, String(this.retentionSeconds));
      if (swapped === 1) return ownerId;
    }
    throw new Error(`idempotency key ${JSON.stringify(clientKey)} is contended; retry the request`);
  }

  /** Frees a key this owner claimed (and only if it still holds it). */
  async releaseIdempotencyKey(clientKey: string, ownerId: string): Promise<void> {
    await this.redis.eval(releaseIfOwnerScript, 1, this.keys.idempotency(clientKey), ownerId);
  }

  /**
   * Writes new records, each with its retention TTL in the same step (one small script per
   * record, so no record can outlive its retention, and records of different slots can be
   * written on Redis Cluster). Many are sent at once; auto-pipelining batches the round trips.
   */
  async create(requests: readonly NewRequest[]): Promise<void> {
    const now = new Date().toISOString();
    for (let start = 0; start < requests.length; start += chunkSize) {
      await Promise.all(
        requests.slice(start, start + chunkSize).map((request) => {
          const fields: Record<string, string> = {
            id: request.id,
            status: request.decision === undefined ? 'queued' : 'routed',
            request: JSON.stringify(request.request),
            keyId: request.keyId ?? openModeKeyId,
            createdAt: now,
            updatedAt: now,
          };
          if (request.batchId !== undefined) fields.batchId = request.batchId;
          if (request.customId !== undefined) fields.customId = request.customId;
          if (request.idempotencyKey !== undefined) fields.idempotencyKey = request.idempotencyKey;
          if (request.decision !== undefined) fields.decision = JSON.stringify(request.decision);
          if (request.answerStream === true) fields.answerStream = '1';
          if (request.budgetHold !== undefined) fields.budgetHold = JSON.stringify(request.budgetHold);
          if (request.budgetMaxTier !== undefined) fields.budgetMaxTier = request.budgetMaxTier;
          if (request.bodyHash !== undefined) fields.bodyHash = request.bodyHash;
          return this.redis.eval(
            createRecordScript,
            1,
            this.keys.request(request.id),
            String(this.retentionSeconds),
            ...Object.entries(fields).flat(),
          );
        }),
      );
    }
  }

  /** Deletes records that were written for a submission that could not be enqueued. */
  async discard(requestIds: readonly string[], batchId?: string): Promise<void> {
    for (let start = 0; start < requestIds.length; start += chunkSize) {
      await Promise.all(requestIds.slice(start, start + chunkSize).map((id) => this.redis.del(this.keys.request(id))));
    }
    if (batchId !== undefined) await this.redis.del(this.keys.batch(batchId), this.keys.batchMembers(batchId));
  }

  async get(requestId: string): Promise<RequestRecord | undefined> {
    const hash = await this.redis.hgetall(this.keys.request(requestId));
    if (!hash.id) return undefined;
    return toRecord(hash);
  }

  /** The record a worker is about to act on, in one read. A missing record cannot be processed. */
  async getForWork(requestId: string): Promise<RequestRecord> {
    const record = await this.get(requestId);
    if (record === undefined)
      throw new MalformedJobError(`request ${requestId} has no record (expired or never created)`);
    return record;
  }

  async getStatus(requestId: string): Promise<RequestStatus | undefined> {
    const status = await this.redis.hget(this.keys.request(requestId), 'status');
    return (status ?? undefined) as RequestStatus | undefined;
  }

  /** Records the routing decision. Returns false when the record is already terminal or gone. */
  async setDecision(requestId: string, decision: RoutingDecision): Promise<boolean> {
    return this.updateUnlessTerminal(requestId, { status: 'routed', decision: JSON.stringify(decision) });
  }

  async markRunning(requestId: string): Promise<boolean> {
    return this.updateUnlessTerminal(requestId, { status: 'running' });
  }

  /** Stores an attempt under its hop: writing the same hop twice keeps one attempt. */
  async recordAttempt(attempt: Attempt & { requestId: string }): Promise<boolean> {
    const { requestId, ...stored } = attempt;
    return this.updateUnlessTerminal(requestId, { [attemptField(attempt.hop)]: JSON.stringify(stored) });
  }

  /** Completes the request with its final answer. Returns true only for the call that completed it. */
  async complete(requestId: string, final: FinalAnswer, options: { cacheHit?: boolean } = {}): Promise<boolean> {
    const fields: Record<string, string> = { final: JSON.stringify(final) };
    // Written in the finishing step itself: the ledger counts the hit from this field.
    if (options.cacheHit === true) fields.cache = 'hit';
    return this.finish(requestId, 'completed', fields);
  }

  /** Fails the request with a reason. Returns true only for the call that failed it. */
  async fail(requestId: string, error: RequestError): Promise<boolean> {
    return this.finish(requestId, 'failed', { error: JSON.stringify(error) });
  }

  /**
   * Fails the requests that have not started running (`queued`, `routed`) with `error`; running
   * ones are left to finish, finished ones keep their answer. Their jobs stay on the queues and
   * are skipped (a worker leaves a terminal record alone). Returns how many were failed.
   */
  async cancelWaiting(requestIds: readonly string[], error: RequestError): Promise<number> {
    let cancelled = 0;
    const fields = { error: JSON.stringify(error) };
    for (let start = 0; start < requestIds.length; start += chunkSize) {
      const chunk = requestIds.slice(start, start + chunkSize);
      const results = await Promise.all(
        chunk.map((id) => this.finisher.finish(id, 'failed', fields, cancelWaitingScript)),
      );
      cancelled += results.filter(Boolean).length;
    }
    return cancelled;
  }

  async createBatch(meta: BatchMeta, requestIds: readonly string[]): Promise<void> {
    const membersKey = this.keys.batchMembers(meta.id);
    const batchKey = this.keys.batch(meta.id);
    // Both keys share the batch's hash tag, so each step is one transaction that sets the TTL
    // with the write: a failure half-way leaves nothing that never expires.
    for (let start = 0; start < requestIds.length; start += chunkSize * 10) {
      await this.redis
        .multi()
        .rpush(membersKey, ...requestIds.slice(start, start + chunkSize * 10))
        .expire(membersKey, this.retentionSeconds)
        .exec();
    }
    const fields: Record<string, string> = {
      id: meta.id,
      total: String(meta.total),
      createdAt: meta.createdAt,
      keyId: meta.keyId ?? openModeKeyId,
    };
    if (meta.idempotencyKey !== undefined) fields.idempotencyKey = meta.idempotencyKey;
    if (meta.bodyHash !== undefined) fields.bodyHash = meta.bodyHash;
    if (meta.accepting === true) fields.state = 'accepting';
    await this.redis.multi().hset(batchKey, fields).expire(batchKey, this.retentionSeconds).exec();
  }

  /** Every job of the batch is queued: readers no longer need to finish its submission. */
  async markBatchAccepted(batchId: string): Promise<void> {
    await this.redis.hdel(this.keys.batch(batchId), 'state');
  }

  /** The body hash stored with a request submitted under an idempotency key, if any. */
  async bodyHashOf(requestId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.request(requestId), 'bodyHash')) ?? undefined;
  }

  /** Statuses of many records in one pass (undefined for a missing record), in the order asked. */
  async statuses(requestIds: readonly string[]): Promise<(RequestStatus | undefined)[]> {
    const statuses: (RequestStatus | undefined)[] = [];
    for (let start = 0; start < requestIds.length; start += chunkSize) {
      const chunk = await Promise.all(
        requestIds.slice(start, start + chunkSize).map((id) => this.redis.hget(this.keys.request(id), 'status')),
      );
      for (const status of chunk) statuses.push((status ?? undefined) as RequestStatus | undefined);
    }
    return statuses;
  }

  async getBatch(batchId: string): Promise<BatchMeta | undefined> {
    const hash = await this.redis.hgetall(this.keys.batch(batchId));
    if (!hash.id) return undefined;
    const meta: BatchMeta = {
      id: hash.id,
      total: Number(hash.total),
      createdAt: hash.createdAt ?? '',
      keyId: hash.keyId ?? openModeKeyId,
    };
    if (hash.idempotencyKey !== undefined) meta.idempotencyKey = hash.idempotencyKey;
    if (hash.bodyHash !== undefined) meta.bodyHash = hash.bodyHash;
    if (hash.state === 'accepting') meta.accepting = true;
    return meta;
  }

  async batchMemberIds(batchId: string): Promise<string[]> {
    return this.redis.lrange(this.keys.batchMembers(batchId), 0, -1);
  }

  async batchCounts(batchId: string): Promise<StatusCounts> {
    const ids = await this.batchMemberIds(batchId);
    const counts: StatusCounts = { total: ids.length, queued: 0, routed: 0, running: 0, completed: 0, failed: 0 };
    for (const status of await this.statuses(ids)) if (status !== undefined && status in counts) counts[status] += 1;
    return counts;
  }

  /** Records of a batch in submission order, read in chunks so that 10,000 of them stream in bounded memory. */
  async *batchRecords(batchId: string): AsyncGenerator<RequestRecord> {
    const ids = await this.batchMemberIds(batchId);
    for (let start = 0; start < ids.length; start += chunkSize) {
      const hashes = await Promise.all(
        ids.slice(start, start + chunkSize).map((id) => this.redis.hgetall(this.keys.request(id))),
      );
      for (const hash of hashes) if (hash.id) yield toRecord(hash);
    }
  }

  private async updateUnlessTerminal(requestId: string, fields: Record<string, string>): Promise<boolean> {
    const args = Object.entries({ ...fields, updatedAt: new Date().toISOString() }).flat();
    const result = await this.redis.eval(updateUnlessTerminalScript, 1, this.keys.request(requestId), ...args);
    return result === 1;
  }

  private finish(requestId: string, status: 'completed' | 'failed', fields: Record<string, string>): Promise<boolean> {
    return this.finisher.finish(requestId, status, fields);
  }
}
