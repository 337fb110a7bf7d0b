import {
  addUsage,
  attemptCostUsd,
  openModeKeyId,
  roundUsd,
  type Attempt,
  type ChatRequest,
  type FinalAnswer,
  type RequestError,
  type RequestRecord,
  type RequestStatus,
  type RoutingDecision,
} from '@switchyard/core';

function parseJson<T>(raw: string | undefined): T | undefined {
  return raw === undefined ? undefined : (JSON.parse(raw) as T);
}

/** A request record from its Redis hash, as `RequestStore.create` and the finishing scripts wrote it. */
export function toRecord(hash: Record<string, string>): RequestRecord {
  const attempts = Object.entries(hash)
    .filter(([field]) => field.startsWith('attempt:'))
    .map(([, value]) => JSON.parse(value) as Attempt)
    .sort((a, b) => a.hop - b.hop);
  const usage = attempts.reduce((total, attempt) => addUsage(total, attempt.usage), {
    inputTokens: 0,
    outputTokens: 0,
  });
  const record: RequestRecord = {
    id: hash.id ?? '',
    status: (hash.status ?? 'queued') as RequestStatus,
    request: JSON.parse(hash.request ?? '{"messages":[]}') as ChatRequest,
    keyId: hash.keyId ?? openModeKeyId,
    createdAt: hash.createdAt ?? '',
    updatedAt: hash.updatedAt ?? '',
    attempts,
    usage,
    costUsd: roundUsd(attempts.reduce((sum, attempt) => sum + attemptCostUsd(attempt), 0)),
    // The baseline is one premium call per request, priced with the tokens of the answer served.
    baselineCostUsd: 0,
  };
  const final = parseJson<FinalAnswer>(hash.final);
  const served = final === undefined ? attempts.at(-1) : attempts.find((attempt) => attempt.hop === final.hop);
  record.baselineCostUsd = roundUsd(served?.baselineCostUsd ?? 0);
  if (hash.batchId !== undefined) record.batchId = hash.batchId;
  if (hash.customId !== undefined) record.customId = hash.customId;
  if (hash.idempotencyKey !== undefined) record.idempotencyKey = hash.idempotencyKey;
  if (hash.answerStream === '1') record.answerStream = true;
  if (hash.budgetMaxTier !== undefined) record.budgetMaxTier = hash.budgetMaxTier;
  if (hash.completedAt !== undefined) record.completedAt = hash.completedAt;
  const decision = parseJson<RoutingDecision>(hash.decision);
  if (decision !== undefined) record.decision = decision;
  if (final !== undefined) record.final = final;
  if (hash.cache === 'hit') record.cacheHit = true;
  const error = parseJson<RequestError>(hash.error);
  if (error !== undefined) record.error = error;
  return record;
}
