import { TierLadder, loadConfig, tierJobId, type RequestRecord } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { assertJobMatchesRecord } from './job-trust.ts';

const config = loadConfig();
const ladder = new TierLadder(config);

/** A request that ran hop 0 on simple, whose answer failed the gate. */
function escalatedRecord(extra: Partial<RequestRecord> = {}, maxTier?: string): RequestRecord {
  return {
    id: 'req_a',
    request: { messages: [{ role: 'user', content: 'hi' }], ...(maxTier === undefined ? {} : { max_tier: maxTier }) },
    decision: { tier: 'simple', route: 'general', strategy: 'rules', confidence: 1, scores: {}, adjustments: [] },
    attempts: [{ hop: 0, tier: 'simple', escalationReason: 'weak answer' }],
    ...extra,
  } as unknown as RequestRecord;
}

const hop1 = (tier: string) => ({
  job: { id: tierJobId('req_a', 1) },
  payload: { requestId: 'req_a', hop: 1, tier, history: [] },
});

describe('a tier job is checked against the escalation rule', () => {
  it('accepts hop 1 on the tier above an escalated hop 0', () => {
    const { job, payload } = hop1('medium');
    expect(() => assertJobMatchesRecord(job, payload, escalatedRecord(), 'medium', ladder, config)).not.toThrow();
  });

  it("refuses a hop past the request's max_tier or its key's budget cap, as a stray", () => {
    const { job, payload } = hop1('medium');
    expect(() => assertJobMatchesRecord(job, payload, escalatedRecord({}, 'simple'), 'medium', ladder, config)).toThrow(
      /may not escalate: max_tier simple/,
    );
    const capped = escalatedRecord({ budgetMaxTier: 'simple' });
    expect(() => assertJobMatchesRecord(job, payload, capped, 'medium', ladder, config)).toThrow(/budget cap simple/);
  });

  it('refuses a hop that skips a tier', () => {
    const { job, payload } = hop1('complex');
    expect(() => assertJobMatchesRecord(job, payload, escalatedRecord(), 'complex', ladder, config)).toThrow(
      /ran on tier simple, below medium/,
    );
  });
});
