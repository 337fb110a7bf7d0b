import type { BatchMeta } from '@switchyard/queue';
import { ApiError } from '../api-errors.ts';
import type { ApiContext } from '../api-context.ts';
import { mayRead, type Principal } from '../auth/index.ts';

/** The batch's meta, or a 404 when it does not exist or belongs to another key. */
export async function readableBatch(context: ApiContext, id: string, principal: Principal): Promise<BatchMeta> {
  const batch = await context.runtime.store.getBatch(id);
  if (batch === undefined || !mayRead(principal, batch.keyId))
    throw new ApiError('not_found', `no batch with id "${id}"`, 'id');
  // Its submitter died before queuing every job: queue the rest now, or the batch never finishes.
  if (batch.accepting === true) await context.submissions.finishBatch(id);
  return batch;
}
