import {
  applyBudgetCap,
  classifyJobId,
  firstTierJob,
  jobCatalog,
  newBatchId,
  newRequestId,
  type ChatRequest,
  type RoutingDecision,
  type TierLadder,
  tierJobId,
} from '@switchyard/core';
import type { BatchMeta, NewRequest, QueueRuntime } from '@switchyard/queue';
import { ApiError } from './api-errors.ts';
import type { Admission, BudgetGate } from './budget-gate.ts';

/** The key id of requests in open mode (no API keys configured). */
export const openModeKeyId = 'local';

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
  /** The API key it comes in with (its budget applies); default: the open-mode key `local`. */
  keyId?: string;
}

/**
 * Writes request records and enqueues their classification, so that either both exist or
 * neither does: when the enqueue fails, the records just written are deleted again.
 */
export class SubmissionService {
  private readonly runtime: QueueRuntime;
  private readonly ladder: TierLadder;

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

  /** Submits one request; with an idempotency key a repeat returns the first request's id. */
  async submitOne(
    submission: Submission,
    idempotencyKey?: string,
    options: SubmitOptions = {},
  ): Promise<{ id: string; created: boolean }> {
    this.requireRedis();
    const id = options.id ?? newRequestId();
    const record: NewRequest = { id, request: submission.request };
    if (options.decision !== undefined) record.decision = options.decision;
    if (options.answerStream === true) record.answerStream = true;
    if (submission.customId !== undefined) record.customId = submission.customId;
    if (idempotencyKey !== undefined) record.idempotencyKey = idempotencyKey;
    const claim =
      idempotencyKey === undefined
        ? undefined
        : {
            key: idempotencyKey,
            ownerId: id,
            exists: async (owner: string) => (await this.runtime.store.getStatus(owner)) !== undefined,
          };
    const earlier = await this.admitAndWrite(options.keyId ?? openModeKeyId, [record], undefined, claim);
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
      batchId,
      ...(submission.customId === undefined ? {} : { customId: submission.customId }),
    }));
    const meta: BatchMeta = { id: batchId, total: records.length, createdAt: new Date().toISOString() };
    if (idempotencyKey !== undefined) meta.idempotencyKey = idempotencyKey;
    const claim =
      idempotencyKey === undefined
        ? undefined
        : {
            key: `batch\n${idempotencyKey}`,
            ownerId: batchId,
            exists: async (owner: string) => (await this.runtime.store.getBatch(owner)) !== undefined,
          };
    const earlier = await this.admitAndWrite(keyId, records, meta, claim);
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
        if (unrouted.length > 0) {
          await queues.classify.addBulk(
            unrouted.map(({ id }) => ({
              name: jobCatalog.classify.jobName,
              data: { requestId: id },
              opts: { jobId: classifyJobId(id) },
            })),
          );
        }
        for (const { id, decision } of chunk)
          if (decision !== undefined) await queues.enqueueHop(firstTierJob(id, decision.tier));
        enqueued.push(...chunk);
      }
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

export function unavailable(): ApiError {
  return new ApiError(
    'redis_unavailable',
    'Redis is not reachable; the request was not accepted and nothing was written. Retry later.',
  );
}
