import { batchFileId } from '@switchyard/core';
import type { BatchMeta, FinishedCounts, OpenAIBatchMeta } from '@switchyard/queue';
import type { ApiContext } from '../api-context.ts';
import { unixSeconds } from './file-object.ts';

export type OpenAIBatchStatus = 'in_progress' | 'completed' | 'cancelling' | 'cancelled';

/** When the batch's last request finished: the latest `completedAt` of its records. */
async function lastCompletionMs(context: ApiContext, batchId: string): Promise<number> {
  let latest = 0;
  for await (const record of context.runtime.store.batchRecords(batchId)) {
    const at = Date.parse(record.completedAt ?? '');
    if (at > latest) latest = at;
  }
  return latest > 0 ? latest : Date.now();
}

/**
 * The batch's counts and, the first time they show every request finished, records that it
 * finished (when and with what counts): later reads neither count its records again nor see the
 * times move. Validation is done before the batch exists, so it is never `validating`.
 */
async function progress(context: ApiContext, batch: BatchMeta, meta: OpenAIBatchMeta) {
  let finished = meta.finishedCounts !== undefined ? meta : undefined;
  let counts: FinishedCounts | undefined = meta.finishedCounts;
  if (finished === undefined) {
    const byStatus = await context.runtime.store.batchCounts(batch.id);
    counts = { total: batch.total, completed: byStatus.completed, failed: byStatus.failed };
    if (counts.completed + counts.failed >= batch.total && batch.accepting !== true) {
      await context.openAIBatches.markFinished(batch.id, await lastCompletionMs(context, batch.id), counts);
      // The first writer's figures hold: read them back.
      finished = await context.openAIBatches.get(batch.id);
      counts = finished?.finishedCounts ?? counts;
    }
  }
  const cancelled = (finished ?? meta).cancellingAtMs !== undefined;
  let status: OpenAIBatchStatus;
  if (finished === undefined) status = cancelled ? 'cancelling' : 'in_progress';
  else status = cancelled ? 'cancelled' : 'completed';
  return { status, counts: counts ?? { total: batch.total, completed: 0, failed: 0 }, finished, cancelled };
}

/** OpenAI's batch object of a batch created from a file. */
export async function openAIBatchObject(context: ApiContext, batch: BatchMeta, meta: OpenAIBatchMeta) {
  const { status, counts, finished, cancelled } = await progress(context, batch, meta);
  const finishedAt = finished?.finishedAtMs === undefined ? null : unixSeconds(finished.finishedAtMs);
  const cancellingAtMs = (finished ?? meta).cancellingAtMs;
  return {
    id: batch.id,
    object: 'batch' as const,
    endpoint: meta.endpoint,
    errors: null,
    input_file_id: meta.inputFileId,
    completion_window: meta.completionWindow,
    status,
    output_file_id: finished !== undefined && counts.completed > 0 ? batchFileId(batch.id, 'output') : null,
    error_file_id: finished !== undefined && counts.failed > 0 ? batchFileId(batch.id, 'error') : null,
    created_at: unixSeconds(meta.createdAtMs),
    // Validated while it was created: in progress from the start.
    in_progress_at: unixSeconds(meta.createdAtMs),
    // The completion window is not enforced: a batch runs until its last request finishes.
    expires_at: null,
    finalizing_at: null,
    completed_at: cancelled ? null : finishedAt,
    failed_at: null,
    expired_at: null,
    cancelling_at: cancellingAtMs === undefined ? null : unixSeconds(cancellingAtMs),
    cancelled_at: cancelled ? finishedAt : null,
    request_counts: counts,
    metadata: meta.metadata,
  };
}

export type OpenAIBatchObject = Awaited<ReturnType<typeof openAIBatchObject>>;
