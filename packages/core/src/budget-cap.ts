import type { RoutingDecision } from './request-record.ts';
import type { TierLadder } from './tier-ladder.ts';

/**
 * A routing decision lowered to a key's budget cap (`budgets.<key>.onExceeded: cap`), with the
 * reason among its adjustments. Applied wherever a decision is taken (the classify worker, the
 * API's inline classification), after `force_tier`, `minTier` and `max_tier`: a budget wins.
 */
export function applyBudgetCap(
  decision: RoutingDecision,
  budgetMaxTier: string | undefined,
  ladder: TierLadder,
): RoutingDecision {
  if (budgetMaxTier === undefined) return decision;
  const tier = ladder.clamp(decision.tier, { max: budgetMaxTier });
  if (tier === decision.tier) return decision;
  return {
    ...decision,
    tier,
    adjustments: [...decision.adjustments, `budget cap ${budgetMaxTier}: capped from ${decision.tier} to ${tier}`],
  };
}
