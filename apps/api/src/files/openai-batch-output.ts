import { parseBatchFileId, type RequestRecord } from '@switchyard/core';
import type { ApiContext } from '../api-context.ts';
import { mayRead, type Principal } from '../auth/index.ts';
import { chatCompletion, recordInfo } from '../chat/chat-response.ts';
import { fileObject } from './file-object.ts';

/** Routing facts of one request, beside OpenAI's fields of its line. */
function switchyardFacts(record: RequestRecord) {
  const info = recordInfo(record);
  return {
    tier: info?.tier ?? null,
    deployment: info === undefined ? null : `${info.provider}/${info.model}`,
    escalations: Math.max(0, record.attempts.length - 1),
    cost_usd: record.costUsd,
    baseline_usd: record.baselineCostUsd,
  };
}

/**
 * One line of a batch's output file (completed requests) or error file (failed ones), in
 * OpenAI's batch output shape. A completed line's body is the `chat.completion` the chat route
 * would have answered with.
 */
export function batchOutputLine(record: RequestRecord) {
  const info = record.status === 'completed' ? recordInfo(record) : undefined;
  if (info !== undefined) {
    return {
      id: record.id,
      custom_id: record.customId ?? null,
      response: { status_code: 200, request_id: record.id, body: chatCompletion(record, info) },
      error: null,
      switchyard: switchyardFacts(record),
    };
  }
  return {
    id: record.id,
    custom_id: record.customId ?? null,
    response: null,
    error: {
      code: record.error?.code ?? 'internal_error',
      message: record.error?.message ?? `request ${record.id} did not complete`,
    },
    switchyard: switchyardFacts(record),
  };
}

/** The JSON lines of one part of a finished batch, in submission order, read in chunks. */
export async function* batchFileLines(
  context: ApiContext,
  batchId: string,
  part: 'output' | 'error',
): AsyncGenerator<string> {
  const wanted = part === 'output' ? 'completed' : 'failed';
  for await (const record of context.runtime.store.batchRecords(batchId)) {
    if (record.status === wanted) yield `${JSON.stringify(batchOutputLine(record))}\n`;
  }
}

/**
 * The output or error file a `batchFileId` names, made from the batch's records when read: it
 * exists once the batch has finished with at least one line for it, and only for a key that may
 * read the batch. Undefined for any other id.
 */
export async function generatedBatchFile(context: ApiContext, fileId: string, principal: Principal) {
  const named = parseBatchFileId(fileId);
  if (named === undefined) return undefined;
  const meta = await context.openAIBatches.get(named.batchId);
  const batch = await context.runtime.store.getBatch(named.batchId);
  const counts = meta?.finishedCounts;
  if (meta === undefined || batch === undefined || counts === undefined || !mayRead(principal, batch.keyId))
    return undefined;
  if ((named.part === 'output' ? counts.completed : counts.failed) === 0) return undefined;
  const lines = () => batchFileLines(context, named.batchId, named.part);
  // The records expire with the batch: so does the file.
  const expiresAtMs = Date.parse(batch.createdAt) + context.config.queue.retentionSeconds * 1_000;
  return {
    lines,
    async describe() {
      let bytes = 0;
      for await (const line of lines()) bytes += Buffer.byteLength(line);
      return fileObject({
        id: fileId,
        bytes,
        createdAtMs: meta.finishedAtMs ?? Date.now(),
        expiresAtMs,
        filename: `${named.batchId}_${named.part}.jsonl`,
        purpose: 'batch_output',
      });
    },
  };
}
