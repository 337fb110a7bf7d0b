import {
  classifyJobId,
  jobCatalog,
  newBatchId,
  newRequestId,
  openModeKeyId,
  type ChatRequest,
  type TierLadder,
} from '@switchyard/core';
import type { BatchMeta, NewRequest, QueueRuntime } from '@switchyard/queue';
import { ApiError } from './api-errors.ts';

/** Jobs per `addBulk` call: one round trip each, without building one huge command. */
const enqueueChunk = 1_000;

interface IdempotencyClaim {
  key: string;
  ownerId: string;
  exists: (owner: string) => Promise<boolean>;
}

export interface Submission {
  request: ChatRequest;
  customId?: string;
}

/**
 * Writes request records and enqueues their classification, so that either both exist or
 * neither does: when the enqueue fails, the records just written are deleted again.
 */
export class SubmissionService {
  private readonly runtime: QueueRuntime;
  private readonly ladder: TierLadder;

  constructor(runtime: QueueRuntime, ladder: TierLadder) {
    this.runtime = runtime;
    this.ladder = ladder;
  }

  /** 400 for a tier name that is not configured. */
  checkTiers(request: ChatRequest, pathPrefix = ''): void {
    for (const field of ['force_tier', 'max_tier'] as const) {
      const tier = request[field];
      if (tier !== undefined && !this.ladder.has(tier)) {
        throw new ApiError(
          'unknown_tier',
          `${pathPrefix}${field}: unknown tier "${tier}" (tiers: ${this.ladder.names.join(', ')})`,
          `${pathPrefix}${field}`,
        );
      }
    }
  }

  /**
   * Submits one request for the API key `keyId`; with an idempotency key a repeat returns the
   * first request's id. Idempotency keys are per API key: two keys never see each other's.
   */
  async submitOne(
    submission: Submission,
    idempotencyKey?: string,
    keyId = openModeKeyId,
  ): Promise<{ id: string; created: boolean }> {
    this.requireRedis();
    const id = newRequestId();
    const record: NewRequest = { id, request: submission.request, keyId };
    if (submission.customId !== undefined) record.customId = submission.customId;
    if (idempotencyKey !== undefined) record.idempotencyKey = idempotencyKey;
    const claim =
      idempotencyKey === undefined
        ? undefined
        : {
            key: `${keyId}\n${idempotencyKey}`,
            ownerId: id,
            exists: async (owner: string) => (await this.runtime.store.getStatus(owner)) !== undefined,
          };
    const earlier = await this.writeAndEnqueue([record], undefined, claim);
    return earlier === undefined ? { id, created: true } : { id: earlier, created: false };
  }

  async submitBatch(
    submissions: readonly Submission[],
    idempotencyKey?: string,
    keyId = openModeKeyId,
  ): Promise<{ id: string; created: boolean }> {
    this.requireRedis();
    const batchId = newBatchId();
    const records: NewRequest[] = submissions.map((submission) => ({
      id: newRequestId(),
      request: submission.request,
      keyId,
      batchId,
      ...(submission.customId === undefined ? {} : { customId: submission.customId }),
    }));
    const meta: BatchMeta = { id: batchId, total: records.length, createdAt: new Date().toISOString(), keyId };
    if (idempotencyKey !== undefined) meta.idempotencyKey = idempotencyKey;
    const claim =
      idempotencyKey === undefined
        ? undefined
        : {
            key: `batch\n${keyId}\n${idempotencyKey}`,
            ownerId: batchId,
            exists: async (owner: string) => (await this.runtime.store.getBatch(owner)) !== undefined,
          };
    const earlier = await this.writeAndEnqueue(records, meta, claim);
    return earlier === undefined ? { id: batchId, created: true } : { id: earlier, created: false };
  }

  /**
   * Writes the records, claims the idempotency key, then enqueues. The records exist before the
   * key points at them, so a concurrent duplicate always finds a live owner and backs off; the
   * loser deletes what it wrote. Returns the earlier owner's id when the key was taken.
   */
  private async writeAndEnqueue(
    records: readonly NewRequest[],
    batch: BatchMeta | undefined,
    claim: IdempotencyClaim | undefined,
  ): Promise<string | undefined> {
    const { store, queues } = this.runtime;
    const ids = records.map((record) => record.id);
    let claimed = false;
    const enqueued: string[] = [];
    try {
      await store.create(records);
      if (batch !== undefined) await store.createBatch(batch, ids);
      if (claim !== undefined) {
        const owner = await store.claimIdempotencyKey(claim.key, claim.ownerId, claim.exists);
        if (owner !== claim.ownerId) {
          await store.discard(ids, batch?.id);
          return owner;
        }
        claimed = true;
      }
      for (let start = 0; start < records.length; start += enqueueChunk) {
        const chunk = ids.slice(start, start + enqueueChunk);
        await queues.classify.addBulk(
          chunk.map((requestId) => ({
            name: jobCatalog.classify.jobName,
            data: { requestId },
            opts: { jobId: classifyJobId(requestId) },
          })),
        );
        enqueued.push(...chunk);
      }
      return undefined;
    } catch (error) {
      // Best effort: when Redis itself is gone these fail too, and the records expire with
      // their retention; no job was enqueued for them either way.
      await Promise.allSettled([
        // Jobs of chunks enqueued before the failure go too; one a worker already picked up finds
        // no record and fails without running.
        ...enqueued.map((requestId) => queues.classify.remove(classifyJobId(requestId))),
        store.discard(ids, batch?.id),
        ...(claimed && claim !== undefined ? [store.releaseIdempotencyKey(claim.key, claim.ownerId)] : []),
      ]);
      throw this.redisDown() ? unavailable() : error;
    }
  }

  private requireRedis(): void {
    if (this.redisDown()) throw unavailable();
  }

  private redisDown(): boolean {
    return this.runtime.redis.status !== 'ready';
  }
}

export function unavailable(): ApiError {
  return new ApiError(
    'redis_unavailable',
    'Redis is not reachable; the request was not accepted and nothing was written. Retry later.',
  );
}
