import { describe, expect, it } from 'vitest';
import { classifyJobId, newBatchId, newRequestId, tierJobId } from './ids.ts';
import { costUsd } from './pricing.ts';
import { TierLadder } from './tier-ladder.ts';

const deployment = { provider: 'p', model: 'm', inputPerMTok: 1, outputPerMTok: 1 };
const ladder = new TierLadder({
  tiers: ['cheap', 'mid', 'premium'].map((name) => ({ name, deployments: [deployment] })),
});

describe('TierLadder', () => {
  it('orders tiers and finds the next one', () => {
    expect(ladder.next('cheap')).toBe('mid');
    expect(ladder.next('premium')).toBeUndefined();
    expect(ladder.top.name).toBe('premium');
  });

  it('clamps to minTier and max tier, the max (a budget cap) winning', () => {
    expect(ladder.clamp('cheap', { min: 'mid' })).toBe('mid');
    expect(ladder.clamp('premium', { max: 'mid' })).toBe('mid');
    expect(ladder.clamp('cheap', { min: 'premium', max: 'mid' })).toBe('mid');
    expect(() => ladder.indexOf('ultra')).toThrow('unknown tier "ultra" (tiers: cheap, mid, premium)');
  });
});

describe('ids and pricing', () => {
  it('makes unique ids that are valid BullMQ job ids (no ":")', () => {
    const ids = new Set(Array.from({ length: 1000 }, newRequestId));
    expect(ids.size).toBe(1000);
    const id = newRequestId();
    expect(id).toMatch(/^req_[a-z2-7]{26}$/);
    expect(newBatchId()).toMatch(/^batch_[a-z2-7]{26}$/);
    for (const jobId of [classifyJobId(id), tierJobId(id, 2)]) expect(jobId).not.toContain(':');
    expect(tierJobId(id, 2)).toBe(`${id}-t2`);
  });

  it('prices tokens per million', () => {
    expect(costUsd({ inputPerMTok: 3, outputPerMTok: 15 }, { inputTokens: 1_000, outputTokens: 2_000 })).toBeCloseTo(
      0.033,
      10,
    );
  });
});
