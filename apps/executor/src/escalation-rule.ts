import type { AttemptSummary, ChatRequest, SwitchyardConfig, TierJob, TierLadder } from '@switchyard/core';
import type { Logger } from '@switchyard/observability';
import type { QueueSet } from '@switchyard/queue';

/** What may lower the top of the ladder for one request. */
export interface TierCaps {
  /** The request's own `max_tier`. */
  maxTier?: string | undefined;
  /** The highest tier a key over its budget may still use (`budget.onExceeded: cap`). */
  budgetMaxTier?: string | undefined;
}

/** The caps a request carries: its own `max_tier`, and the budget cap its record got at admission. */
export function capsOf(record: {
  request: Pick<ChatRequest, 'max_tier'>;
  budgetMaxTier?: string | undefined;
}): TierCaps {
  return { maxTier: record.request.max_tier, budgetMaxTier: record.budgetMaxTier };
}

export type EscalationVerdict = { allowed: true; tier: string } | { allowed: false; reason: string };

/**
 * The one rule that says whether a request that ran hop `hop` on `tier` may go up, and where:
 * the next tier exists, neither the request's `max_tier` nor a budget cap forbids it, and the
 * request has escalations left (`cascade.maxEscalations`; passing an unavailable tier over counts
 * like any escalation). Why the request wants to go up (a weak answer, an unavailable tier) is
 * the caller's business; whether it may is decided here only.
 */
export function mayEscalate(
  ladder: TierLadder,
  cascade: Pick<SwitchyardConfig['cascade'], 'maxEscalations'>,
  from: { tier: string; hop: number },
  caps: TierCaps,
): EscalationVerdict {
  const next = ladder.next(from.tier);
  if (next === undefined) return { allowed: false, reason: `${from.tier} is the top tier` };
  if (from.hop >= cascade.maxEscalations)
    return { allowed: false, reason: `no escalations left (cascade.maxEscalations ${cascade.maxEscalations})` };
  if (caps.maxTier !== undefined && ladder.indexOf(next) > ladder.indexOf(caps.maxTier))
    return { allowed: false, reason: `max_tier ${caps.maxTier}` };
  if (caps.budgetMaxTier !== undefined && ladder.indexOf(next) > ladder.indexOf(caps.budgetMaxTier))
    return { allowed: false, reason: `budget cap ${caps.budgetMaxTier}` };
  return { allowed: true, tier: next };
}

export interface EscalateDeps {
  queues: QueueSet;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Sends a request up to `next`: the next hop's job, carrying the history of the attempts before
 * it, enqueued through the one hop enqueue. Also what a redelivered hop does again after a crash
 * (same job id: no duplicate).
 */
export async function escalate(
  deps: EscalateDeps,
  payload: TierJob,
  attempt: AttemptSummary,
  next: string,
): Promise<{ outcome: 'escalated'; nextTier: string }> {
  const nextJob: TierJob = {
    requestId: payload.requestId,
    hop: payload.hop + 1,
    tier: next,
    history: [...payload.history, attempt],
  };
  await deps.queues.enqueueHop(nextJob);
  const level = attempt.deployment === 'none' ? 'warn' : 'info';
  deps.logger[level](
    { requestId: payload.requestId, from: attempt.tier, to: next, reason: attempt.reason },
    'request-escalated',
  );
  return { outcome: 'escalated', nextTier: next };
}
