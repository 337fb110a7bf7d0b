import type { RoutingDecision } from '@switchyard/core';

/**
 * The routing decision a classifier would have recorded, for tests that enqueue a tier hop
 * themselves: executors run only the hop a request's record routed (see the executor's job
 * checks), so such a request needs one.
 */
export function routedDecision(tier: string, route: string): RoutingDecision {
  return {
    strategy: 'test',
    tier,
    route,
    confidence: 1,
    scores: {},
    adjustments: [],
    chain: [],
    durationUs: 0,
  };
}
