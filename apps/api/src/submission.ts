import {
  classifyJobId,
  jobCatalog,
  newBatchId,
  newRequestId,
  type ChatRequest,
  type TierLadder,
} from '@switchyard/core';
import type { NewRequest, QueueRuntime } from '@switchyard/queue';
import { ApiError } from './api-errors.ts';

/** Jobs per `addBulk` call: one round trip each, without building one huge command. */
const enqueueChunk = 1_000;

export interface Submission {
  request: ChatRequest;
  customId?: string;
}

/**
 * Writes request records and enqueues their classification, so that either both exist or
 * neither does: when the enqueue fails, the records just written are deleted again.
 */
export class SubmissionService {
  constructor(
    private readonly runtime: QueueRuntime,
    private readonly ladder: TierLadder,
  ) {}

  /** 400 for a tier name that is not configured. */
  checkTiers(request: ChatRequest, pathPrefix = ''): void {
    for (const field of ['force_tier', 'max_tier'] as const) {
      const tier = request[field];
      if (tier !== undefined && !this.ladder.has(tier)) {
        throw new ApiError('unknown_tier', `${pathPrefix}${field}: unknown tier "${tier}" (tiers: ${this.ladder.names.join(', ')})`, `${pathPrefix}${field}`);
      }
    }
  }

  /** Submits one request; with an idempotency key a repeat returns the first request's id. */
  async submitOne(submission: Submission, idempotencyKey?: string): Promise<{ id: string; created: boolean }> {
    this.requireRedis();
    const id = newRequestId();
    if (idempotencyKey !== undefined) {
      const owner = await this.runtime.store.claimIdempotencyKey(idempotencyKey, id);
      if (owner !== id && (await this.runtime.store.getStatus(owner)) !== undefined) return { id: owner, created: false };
    }
    const record: NewRequest = { id, request: submission.request };
    if (submission.customId !== undefined) record.customId = submission.customId;
    if (idempotencyKey !== undefined) record.idempotencyKey = idempotencyKey;
    await this.writeAndEnqueue([record], undefined, idempotencyKey);
    return { id, created: true };
  }

  async submitBatch(submissions: readonly Submission[], idempotencyKey?: string): Promise<{ id: string; created: boolean }> {
    this.requireRedis();
    const batchId = newBatchId();
    const batchKey = idempotencyKey === undefined ? undefined : `batch\n${idempotencyKey}`;
    if (batchKey !== undefined) {
      const owner = await this.runtime.store.claimIdempotencyKey(batchKey, batchId);
      if (owner !== batchId && (await this.runtime.store.getBatch(owner)) !== undefined) return { id: owner, created: false };
    }
    const records: NewRequest[] = submissions.map((submission) => ({
      id: newRequestId(),
      request: submission.request,
      batchId,
      ...(submission.customId === undefined ? {} : { customId: submission.customId }),
    }));
    const meta = { id: batchId, total: records.length, createdAt: new Date().toISOString() };
    await this.writeAndEnqueue(records, meta, batchKey);
    return { id: batchId, created: true };
  }

  private async writeAndEnqueue(
    records: readonly NewRequest[],
    batch: { id: string; total: number; createdAt: string } | undefined,
    idempotencyKey: string | undefined,
  ): Promise<void> {
    const { store, queues } = this.runtime;
    try {
      await store.create(records);
      if (batch !== undefined) {
        await store.createBatch(
          idempotencyKey === undefined ? batch : { ...batch, idempotencyKey },
          records.map((record) => record.id),
        );
      }
      for (let start = 0; start < records.length; start += enqueueChunk) {
        await queues.classify.addBulk(
          records.slice(start, start + enqueueChunk).map((record) => ({
            name: jobCatalog.classify.jobName,
            data: { requestId: record.id },
            opts: { jobId: classifyJobId(record.id) },
          })),
        );
      }
    } catch (error) {
      // Best effort: when Redis itself is gone these fail too, and the records expire with
      // their retention; no job was enqueued for them either way.
      await Promise.allSettled([
        store.discard(records.map((record) => record.id), batch?.id),
        ...(idempotencyKey === undefined ? [] : [store.releaseIdempotencyKey(idempotencyKey)]),
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
  return new ApiError('redis_unavailable', 'Redis is not reachable; the request was not accepted and nothing was written. Retry later.');
}
