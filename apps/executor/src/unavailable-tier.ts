import {
  SwitchyardError,
  type Attempt,
  type RequestRecord,
  type SwitchyardConfig,
  type TierJob,
  type TierLadder,
} from '@switchyard/core';
import type { Logger } from '@switchyard/observability';
import type { QueueSet, RequestStore } from '@switchyard/queue';
import { DelayedError, type Job } from 'bullmq';
import { z } from 'zod';
import { capsOf, escalate, mayEscalate, type EscalateDeps } from './escalation-rule.ts';
import type { SkippedDeployment, TierUnavailableError } from './tier-unavailable-error.ts';

/**
 * What a hop remembers across its delays. Kept in the job's progress: the payload schema is
 * strict and shared with producers, and the progress survives `moveToDelayed`.
 */
const waitStateSchema = z.object({
  unavailableSince: z.number(),
  delays: z.number().int().min(0),
  skipped: z.array(z.object({ deployment: z.object({ provider: z.string(), model: z.string() }), error: z.string() })),
});
export type WaitState = z.infer<typeof waitStateSchema>;

/** Shortest delay: a breaker that half-opens "now" is retried on the next tick, not in a busy loop. */
const minimumDelayMs = 100;
/**
 * While a probe is out the job cannot know when it ends (at the latest, its timeout). It looks
 * again after 250 ms, then twice as long at each delay, up to 8 s: a quick probe is followed
 * quickly, and a hanging one wakes each waiting job a handful of times, not every second.
 */
const probeRecheckFirstMs = 250;
const probeRecheckMaxMs = 8_000;

export function readWaitState(job: Pick<Job, 'progress'>): WaitState | undefined {
  const parsed = waitStateSchema.safeParse(job.progress);
  return parsed.success ? parsed.data : undefined;
}

export type UnavailableVerdict =
  | { action: 'delay'; until: number; state: WaitState }
  | { action: 'give-up'; waitedMs: number; state: WaitState };

/**
 * Wait until the earliest deployment may be tried again (a known time: a breaker half-opening, a
 * cool-down ending), or while a probe is out, back off per job; as long as the configured wait
 * allows.
 */
export function decideUnavailable(
  error: TierUnavailableError,
  previous: WaitState | undefined,
  waitMs: number,
  now = Date.now(),
): UnavailableVerdict {
  const unavailableSince = previous?.unavailableSince ?? now;
  const deadline = unavailableSince + waitMs;
  const state = { unavailableSince, delays: previous?.delays ?? 0, skipped: [...error.skipped] };
  if (now >= deadline) return { action: 'give-up', waitedMs: now - unavailableSince, state };
  const recheck = error.probing
    ? now + Math.min(probeRecheckFirstMs * 2 ** state.delays, probeRecheckMaxMs)
    : Number.POSITIVE_INFINITY;
  const until = Math.min(Math.max(Math.min(error.availableAt, recheck), now + minimumDelayMs), deadline);
  return { action: 'delay', until, state: { ...state, delays: state.delays + 1 } };
}

/** What a hop's progress holds when it is not waiting: BullMQ's own initial value. */
const notWaiting = 0;

/**
 * Forgets the hop's wait once a deployment was actually called and the pass ended other than in
 * a wait: a later outage (after a BullMQ retry, say) starts its own wait instead of inheriting
 * this one's start and giving up at once.
 */
export async function forgetWait(job: Pick<Job, 'updateProgress'>, state: WaitState | undefined): Promise<void> {
  if (state !== undefined) await job.updateProgress(notWaiting);
}

/** The waits before an answer, as entries of the attempt's `skipped` list, so the record shows them. */
export function waitsBefore(state: WaitState | undefined, now = Date.now()): SkippedDeployment[] {
  if (state === undefined) return [];
  const waited = `tier unavailable, job delayed ${state.delays} time(s) over ${now - state.unavailableSince} ms`;
  return state.skipped.map((entry) => ({ deployment: entry.deployment, error: `${waited}: ${entry.error}` }));
}

export interface UnavailableDeps {
  config: SwitchyardConfig;
  ladder: TierLadder;
  store: RequestStore;
  queues: QueueSet;
  logger: Logger;
}

export type EscalatedOutcome = { outcome: 'escalated'; nextTier: string };

/**
 * Every deployment of `tierName` is unavailable. Delays the job (BullMQ `moveToDelayed`, then
 * `DelayedError`: no attempt is spent) until a deployment may be tried again; once
 * `cascade.unavailableWaitMs` is used up, escalates to the next tier or fails the request, as
 * `cascade.onUnavailable` says.
 */
export async function whenTierUnavailable(
  tierName: string,
  deps: UnavailableDeps,
  job: Job,
  token: string | undefined,
  payload: TierJob,
  record: Pick<RequestRecord, 'request' | 'budgetMaxTier'>,
  error: TierUnavailableError,
): Promise<EscalatedOutcome> {
  const { config, ladder, store, logger } = deps;
  const verdict = decideUnavailable(error, readWaitState(job), config.cascade.unavailableWaitMs);
  if (verdict.action === 'delay') {
    await job.updateProgress(verdict.state);
    await job.moveToDelayed(verdict.until, token);
    logger.warn(
      {
        requestId: payload.requestId,
        tier: tierName,
        until: new Date(verdict.until).toISOString(),
        delays: verdict.state.delays,
        reasons: error.skipped,
      },
      'tier-unavailable-delayed',
    );
    throw new DelayedError();
  }

  const summary = `tier ${tierName} unavailable for ${verdict.waitedMs} ms (${error.message})`;
  const may = mayEscalate(ladder, config.cascade, { tier: tierName, hop: payload.hop }, capsOf(record));
  if (config.cascade.onUnavailable === 'fail' || !may.allowed) {
    const why = may.allowed ? '' : `; not escalated: ${may.reason}`;
    throw new SwitchyardError('tier_unavailable', `${summary}${why}`, { retryable: false, cause: error });
  }
  const first = error.skipped[0]?.deployment ?? {
    provider: ladder.get(tierName).deployments[0]?.provider ?? '',
    model: '',
  };
  // An attempt without an answer, so that the record says why this tier was passed over.
  const passedOver: Attempt = {
    hop: payload.hop,
    tier: tierName,
    deployment: first,
    startedAt: new Date(verdict.state.unavailableSince).toISOString(),
    latencyMs: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    baselineCostUsd: 0,
    finishReason: 'unavailable',
    answer: '',
    simulated: false,
    qualityScore: 0,
    qualityReasons: ['unavailable'],
    escalationReason: summary,
    skipped: waitsBefore(verdict.state),
  };
  await store.recordAttempt({ ...passedOver, requestId: payload.requestId });
  return escalatePassedOver(deps, payload, passedOver, may.tier);
}

/**
 * Enqueues the next hop after a tier was passed over; also what a redelivered hop does again (same
 * job id: no duplicate).
 */
export function escalatePassedOver(
  deps: EscalateDeps,
  payload: TierJob,
  passedOver: Attempt,
  next: string,
): Promise<EscalatedOutcome> {
  return escalate(
    deps,
    payload,
    {
      hop: payload.hop,
      tier: passedOver.tier,
      deployment: 'none',
      qualityScore: 0,
      reason: passedOver.escalationReason ?? 'tier unavailable',
      costUsd: 0,
      answerSummary: '',
    },
    next,
  );
}

/** True for the answerless attempt `whenTierUnavailable` records when it passes a tier over. */
export const isPassedOver = (attempt: Attempt): boolean =>
  attempt.finishReason === 'unavailable' && attempt.answer === '';
