import {
  applyBudgetCap,
  classifyJobId,
  firstTierJob,
  jobCatalog,
  newBatchId,
  newRequestId,
  openModeKeyId,
  type ChatRequest,
  type RoutingDecision,
  type TierLadder,
  tierJobId,
} from '@switchyard/core';
import type { BatchMeta, NewRequest, QueueRuntime } from '@switchyard/queue';
import { createHash } from 'node:crypto';
import { ApiError } from './api-errors.ts';
import type { Admission, BudgetGate } from './budget-gate.ts';

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

/** The sync path's extras: an id chosen before (to listen for it first), a decision taken inline. */
export interface SubmitOptions {
  id?: string;
  /** Classified already: the request goes straight to the decided tier's queue. */
  decision?: RoutingDecision;
  /** The executor writes the answer to the request's answer stream. */
  answerStream?: boolean;
  /** The submitting API key's id (`request.principal.keyId`); `local` when absent. */
  keyId?: string;
}

/**
 * Writes request records and enqueues their classification, so that either both exist or
 * neither does: when the enqueue fails, the records just written are deleted again. A process
 * killed half-way cannot roll back: a batch stays marked accepting until its last job is queued,
 * and the repeat of its idempotency key (or any read of the batch) queues the rest.
 */
export class SubmissionService {
  private readonly runtime: QueueRuntime;
  private readonly ladder: TierLadder;
  private readonly finishing = new Map<string, Promise<void>>();

  private readonly budgets: BudgetGate | undefined;

  constructor(runtime: QueueRuntime, ladder: TierLadder, budgets?: BudgetGate) {
    this.runtime = runtime;
    this.ladder = ladder;
    this.budgets = budgets;
  }

  /**
   * Admits requests against their key's budget (402 or a lower top tier), marks their records
   * with the key, the reservation and the cap; on failure gives back what was reserved.
   */
  private async admit(keyId: string, records: NewRequest[]): Promise<Admission[]> {
    const admissions: Admission[] = [];
    try {
      for (const record of records) {
        record.keyId = keyId;
        const admission = await this.budgets?.admit(keyId, record.request);
        if (admission === undefined) continue;
        admissions.push(admission);
        record.budgetHold = admission.hold;
        if (admission.budgetMaxTier === undefined) continue;
        record.budgetMaxTier = admission.budgetMaxTier;
        if (record.decision !== undefined)
          record.decision = applyBudgetCap(record.decision, admission.budgetMaxTier, this.ladder);
      }
    } catch (error) {
      await this.release(admissions);
      throw error;
    }
    return admissions;
  }

  private async release(admissions: readonly Admission[]): Promise<void> {
    await Promise.allSettled(admissions.map((admission) => this.budgets?.release(admission)));
  }

  /** Writes and enqueues admitted records; a repeat (idempotency) or a failure gives the reservations back. */
  private async admitAndWrite(
    keyId: string,
    records: NewRequest[],
    batch: BatchMeta | undefined,
    claim: IdempotencyClaim | undefined,
  ): Promise<string | undefined> {
    const admissions = await this.admit(keyId, records);
    let earlier: string | undefined;
    try {
      earlier = await this.writeAndEnqueue(records, batch, claim);
    } catch (error) {
      await this.release(admissions);
      throw error;
    }
    if (earlier !== undefined) await this.release(admissions);
    return earlier;
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
   * Submits one request; with an idempotency key a repeat returns the first request's id.
   * Idempotency keys are per API key (`options.keyId`): two keys never see each other's.
   */
  async submitOne(
    submission: Submission,
    idempotencyKey?: string,
    options: SubmitOptions = {},
  ): Promise<{ id: string; created: boolean }> {
    this.requireRedis();
    const id = options.id ?? newRequestId();
    const keyId = options.keyId ?? openModeKeyId;
    const record: NewRequest = { id, request: submission.request, keyId };
    if (options.decision !== undefined) record.decision = options.decision;
    if (options.answerStream === true) record.answerStream = true;
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
    if (claim !== undefined) record.bodyHash = bodyHash([[submission.customId ?? null, submission.request]]);
    const earlier = await this.admitAndWrite(options.keyId ?? openModeKeyId, [record], undefined, claim);
    if (earlier === undefined) return { id, created: true };
    this.checkSameBody(idempotencyKey, record.bodyHash, await this.runtime.store.bodyHashOf(earlier));
    await this.finishRequest(earlier);
    return { id: earlier, created: false };
  }

  /** `options.id`: the batch's id, chosen before (to write what belongs beside the batch first). */
  async submitBatch(
    submissions: readonly Submission[],
    idempotencyKey?: string,
    keyId = openModeKeyId,
    options: { id?: string } = {},
  ): Promise<{ id: string; created: boolean }> {
    this.requireRedis();
    const batchId = options.id ?? newBatchId();
    const records: NewRequest[] = submissions.map((submission) => ({
      id: newRequestId(),
      request: submission.request,
      keyId,
      batchId,
      ...(submission.customId === undefined ? {} : { customId: submission.customId }),
    }));
    const meta: BatchMeta = {
      id: batchId,
      total: records.length,
      createdAt: new Date().toISOString(),
      accepting: true,
      keyId,
    };
    if (idempotencyKey !== undefined) {
      meta.idempotencyKey = idempotencyKey;
      meta.bodyHash = bodyHash(submissions.map((submission) => [submission.customId ?? null, submission.request]));
    }
    const claim =
      idempotencyKey === undefined
        ? undefined
        : {
            key: `batch\n${keyId}\n${idempotencyKey}`,
            ownerId: batchId,
            exists: async (owner: string) => (await this.runtime.store.getBatch(owner)) !== undefined,
          };
    const earlier = await this.admitAndWrite(keyId, records, meta, claim);
    if (earlier === undefined) return { id: batchId, created: true };
    const earlierMeta = await this.runtime.store.getBatch(earlier);
    this.checkSameBody(idempotencyKey, meta.bodyHash, earlierMeta?.bodyHash);
    if (earlierMeta?.accepting === true) await this.finishBatch(earlier);
    return { id: earlier, created: false };
  }

  /**
   * Finishes the submission of a batch whose submitter died between writing it and queuing its
   * last job (the batch is still marked accepting): queues the job of every record still
   * `queued`, then marks the batch accepted. Safe to run at any time and more than once, even
   * beside a live submitter: job ids derive from request ids, so a job that exists is not added
   * twice, and a `queued` record has never had its classification finish. One run per batch at a
   * time in this process.
   */
  finishBatch(batchId: string): Promise<void> {
    let running = this.finishing.get(batchId);
    if (running === undefined) {
      running = this.requeueBatch(batchId).finally(() => this.finishing.delete(batchId));
      this.finishing.set(batchId, running);
    }
    return running;
  }

  private async requeueBatch(batchId: string): Promise<void> {
    const { store } = this.runtime;
    const ids = await store.batchMemberIds(batchId);
    const statuses = await store.statuses(ids);
    const queued = ids.filter((_, index) => statuses[index] === 'queued');
    for (let start = 0; start < queued.length; start += enqueueChunk) {
      await this.enqueueClassification(queued.slice(start, start + enqueueChunk));
    }
    await store.markBatchAccepted(batchId);
  }

  /** The single-request counterpart of `finishBatch`, for a repeat of an idempotency key. */
  private async finishRequest(requestId: string): Promise<void> {
    const record = await this.runtime.store.get(requestId);
    if (record === undefined) return;
    if (record.status === 'queued') await this.enqueueClassification([requestId]);
    // Classified inline by the sync path but maybe never queued: its first hop has not run yet.
    else if (record.status === 'routed' && record.decision !== undefined && record.attempts.length === 0)
      await this.runtime.queues.enqueueHop(firstTierJob(requestId, record.decision.tier));
  }

  private async enqueueClassification(requestIds: readonly string[]): Promise<void> {
    await this.runtime.queues.classify.addBulk(
      requestIds.map((id) => ({
        name: jobCatalog.classify.jobName,
        data: { requestId: id },
        opts: { jobId: classifyJobId(id) },
      })),
    );
  }

  /** A repeated idempotency key with another body is a client bug: refused rather than silently answered. */
  private checkSameBody(
    idempotencyKey: string | undefined,
    hash: string | undefined,
    earlierHash: string | undefined,
  ): void {
    // Owners written before body hashes were stored carry none: nothing to compare with.
    if (earlierHash === undefined || earlierHash === hash) return;
    throw new ApiError(
      'idempotency_key_reused',
      `Idempotency-Key ${JSON.stringify(idempotencyKey)} was already used with a different body; ` +
        'use a new key for a new request',
      'Idempotency-Key',
    );
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
    const enqueued: NewRequest[] = [];
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
        const chunk = records.slice(start, start + enqueueChunk);
        const unrouted = chunk.filter((record) => record.decision === undefined);
        if (unrouted.length > 0) await this.enqueueClassification(unrouted.map(({ id }) => id));
        for (const { id, decision } of chunk)
          if (decision !== undefined) await queues.enqueueHop(firstTierJob(id, decision.tier));
        enqueued.push(...chunk);
      }
      if (batch?.accepting === true) await store.markBatchAccepted(batch.id);
      return undefined;
    } catch (error) {
      // Best effort: when Redis itself is gone these fail too, and the records expire with
      // their retention; no job was enqueued for them either way.
      await Promise.allSettled([
        // Jobs of chunks enqueued before the failure go too; one a worker already picked up finds
        // no record and fails without running.
        ...enqueued.map(({ id, decision }) =>
          decision === undefined
            ? queues.classify.remove(classifyJobId(id))
            : queues.tier(decision.tier).remove(tierJobId(id, 0)),
        ),
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

/** Same requests (and custom ids) in the same order give the same hash; key order as validation produced it. */
function bodyHash(items: readonly unknown[]): string {
  const hash = createHash('sha256');
  for (const item of items) hash.update(JSON.stringify(item)).update('\n');
  return `sha256:${hash.digest('hex')}`;
}

export function unavailable(): ApiError {
  return new ApiError(
    'redis_unavailable',
    'Redis is not reachable; the request was not accepted and nothing was written. Retry later.',
  );
}
