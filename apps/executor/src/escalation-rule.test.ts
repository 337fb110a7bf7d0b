import { TierLadder } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { mayEscalate } from './escalation-rule.ts';

const tier = (name: string) => ({ name, deployments: [] });
const ladder = new TierLadder({ tiers: [tier('simple'), tier('medium'), tier('complex')] });
const cascade = { maxEscalations: 2 };

describe('the escalation rule', () => {
  it('goes one tier up while escalations are left', () => {
    expect(mayEscalate(ladder, cascade, { tier: 'simple', hop: 0 }, {})).toEqual({ allowed: true, tier: 'medium' });
    expect(mayEscalate(ladder, cascade, { tier: 'medium', hop: 1 }, {})).toEqual({ allowed: true, tier: 'complex' });
  });

  it('stops at the top tier', () => {
    expect(mayEscalate(ladder, cascade, { tier: 'complex', hop: 0 }, {})).toEqual({
      allowed: false,
      reason: 'complex is the top tier',
    });
  });

  it('stops once maxEscalations hops were made', () => {
    const verdict = mayEscalate(ladder, { maxEscalations: 1 }, { tier: 'medium', hop: 1 }, {});
    expect(verdict).toEqual({ allowed: false, reason: 'no escalations left (cascade.maxEscalations 1)' });
    expect(mayEscalate(ladder, { maxEscalations: 0 }, { tier: 'simple', hop: 0 }, {}).allowed).toBe(false);
  });

  it('never climbs over max_tier or a budget cap, whichever is lower', () => {
    expect(mayEscalate(ladder, cascade, { tier: 'simple', hop: 0 }, { maxTier: 'simple' })).toEqual({
      allowed: false,
      reason: 'max_tier simple',
    });
    expect(mayEscalate(ladder, cascade, { tier: 'medium', hop: 0 }, { budgetMaxTier: 'medium' })).toEqual({
      allowed: false,
      reason: 'budget cap medium',
    });
    expect(
      mayEscalate(ladder, cascade, { tier: 'simple', hop: 0 }, { maxTier: 'complex', budgetMaxTier: 'medium' }),
    ).toEqual({ allowed: true, tier: 'medium' });
  });
});
