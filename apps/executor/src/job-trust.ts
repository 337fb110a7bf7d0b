import { tierJobId, type RequestRecord, type SwitchyardConfig, type TierJob, type TierLadder } from '@switchyard/core';
import { StrayJobError } from '@switchyard/queue';
import type { Job } from 'bullmq';
import { capsOf, mayEscalate } from './escalation-rule.ts';

/**
 * Checks a tier job against its request's record before anything is called or stored: what the
 * job says about itself (hop, tier, id) is believed only when the record agrees. The record says
 * where the request is: hop 0 runs on the tier the classifier chose, hop n on the tier the
 * escalation rule gives for attempt n-1 (which escalated), and no hop goes past
 * `cascade.maxEscalations`. A job that
 * claims anything else (`hop: 9` on the cheapest tier for a request forced to the top one) was
 * not made by Switchyard and must not answer the request: it fails alone, as a stray.
 */
export function assertJobMatchesRecord(
  job: Pick<Job, 'id'>,
  payload: TierJob,
  record: RequestRecord,
  tierName: string,
  ladder: TierLadder,
  config: Pick<SwitchyardConfig, 'cascade'>,
): void {
  const stray = (why: string) =>
    new StrayJobError(
      `job ${job.id ?? '?'} (hop ${payload.hop} on tier ${tierName}) does not match its request: ${why}`,
    );
  if (job.id !== tierJobId(payload.requestId, payload.hop))
    throw stray(`its id is not the one of that hop (${tierJobId(payload.requestId, payload.hop)})`);
  if (payload.tier !== tierName) throw stray(`it names tier "${payload.tier}"`);
  if (payload.hop > config.cascade.maxEscalations)
    throw stray(`hop ${payload.hop} is past cascade.maxEscalations (${config.cascade.maxEscalations})`);
  const { decision } = record;
  if (decision === undefined) throw stray('the request was never classified');
  if (payload.hop === 0) {
    if (decision.tier !== tierName) throw stray(`the request was routed to tier ${decision.tier}`);
    return;
  }
  const previous = record.attempts.find((attempt) => attempt.hop === payload.hop - 1);
  if (previous?.escalationReason === undefined) throw stray(`hop ${payload.hop - 1} did not escalate`);
  // The same rule that sent it up: a job past the request's max_tier or budget cap is a stray too.
  const verdict = mayEscalate(ladder, config.cascade, { tier: previous.tier, hop: previous.hop }, capsOf(record));
  if (!verdict.allowed)
    throw stray(`hop ${payload.hop - 1} on tier ${previous.tier} may not escalate: ${verdict.reason}`);
  if (verdict.tier !== tierName)
    throw stray(`hop ${payload.hop - 1} ran on tier ${previous.tier}, below ${verdict.tier}`);
}
