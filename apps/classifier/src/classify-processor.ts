import { applyBudgetCap, classifyJobId, firstTierJob, jobCatalog, type TierLadder } from '@switchyard/core';
import type { Logger, SwitchyardMetrics } from '@switchyard/observability';
import { parseJobData, runHop, StrayJobError, type QueueSet, type RequestStore } from '@switchyard/queue';
import type { Job } from 'bullmq';
import type { ClassifierChain } from '@switchyard/classifiers';

export interface ClassifyProcessorDeps {
  chain: ClassifierChain;
  ladder: TierLadder;
  store: RequestStore;
  queues: QueueSet;
  logger: Logger;
  /** Classification time is observed here, by the strategy that settled the tier. */
  metrics?: SwitchyardMetrics | undefined;
}

/** Decides a request's tier and route, records why, and enqueues its first tier hop. */
export function createClassifyProcessor(deps: ClassifyProcessorDeps) {
  const { chain, ladder, store, queues, logger } = deps;
  return async (job: Job): Promise<{ tier: string } | { skipped: true }> =>
    runHop(job, store, async () => {
      const { requestId } = parseJobData(jobCatalog.classify.schema, job);
      // Only the request's own job classifies it; another one naming it fails alone.
      if (job.id !== classifyJobId(requestId))
        throw new StrayJobError(
          `job ${job.id ?? '?'} is not the classify job of ${requestId} (${classifyJobId(requestId)})`,
        );
      const record = await store.getForWork(requestId);
      if (record.status === 'completed' || record.status === 'failed') return { skipped: true };
      // A redelivered job keeps the decision already taken: routing must not flip between runs.
      let decision = record.decision;
      if (decision === undefined) {
        const subject = { keyId: record.keyId, requestId };
        decision = applyBudgetCap(await chain.classify(record.request, subject), record.budgetMaxTier, ladder);
        // Each strategy that ran, by its own time, and the whole decision as `chain`.
        for (const verdict of decision.chain)
          deps.metrics?.classified(verdict.strategy, (verdict.durationUs ?? 0) / 1e6);
        deps.metrics?.classified('chain', decision.durationUs / 1e6);
        await store.setDecision(requestId, decision);
        logger.debug({ requestId, decision }, 'request-routed');
      }
      // The job id makes this a no-op when it was already done before a crash.
      await queues.enqueueHop(firstTierJob(requestId, decision.tier));
      return { tier: decision.tier };
    });
}
