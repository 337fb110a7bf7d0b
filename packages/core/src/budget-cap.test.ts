import { describe, expect, it } from 'vitest';
import { applyBudgetCap } from './budget-cap.ts';
import type { RoutingDecision } from './request-record.ts';
import { TierLadder } from './tier-ladder.ts';

const ladder = new TierLadder({ tiers: ['simple', 'medium', 'complex'].map((name) => ({ name, deployments: [] })) });
const decision = (tier: string): RoutingDecision => ({
  strategy: 'rules',
  tier,
  route: 'general',
  confidence: 0.9,
  scores: {},
  adjustments: ['max_tier complex: kept'],
  chain: [],
  durationUs: 3,
});

describe('the budget cap on a routing decision', () => {
  it('lowers a decision above the cap and says why', () => {
    expect(applyBudgetCap(decision('complex'), 'simple', ladder)).toMatchObject({
      tier: 'simple',
      adjustments: ['max_tier complex: kept', 'budget cap simple: capped from complex to simple'],
    });
  });

  it('leaves a decision at or below the cap, or without a cap, as it is', () => {
    const low = decision('simple');
    expect(applyBudgetCap(low, 'medium', ladder)).toBe(low);
    const high = decision('complex');
    expect(applyBudgetCap(high, undefined, ladder)).toBe(high);
  });
});
