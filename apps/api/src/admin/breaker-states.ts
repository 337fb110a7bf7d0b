import type { BreakerStateName } from '@switchyard/observability';
import type { QueueRuntime } from '@switchyard/queue';

const severity: Record<BreakerStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Every configured endpoint's breaker as the whole deployment sees it, not only this process:
 * an executor that opens a breaker stores it in Redis until it half-opens
 * (`KeySpace.breakerState`), and a half-open probe holds a claim (`KeySpace.breakerProbe`). The
 * states this process's own board reports (`local`; under `switchyard start`, the executors')
 * count too; where both know an endpoint, the worse state is shown.
 */
export async function deploymentBreakerStates(
  runtime: Pick<QueueRuntime, 'redis' | 'keys'>,
  endpoints: readonly string[],
  local: Record<string, BreakerStateName>,
): Promise<Record<string, BreakerStateName>> {
  const { redis, keys } = runtime;
  // One key per endpoint, each in its own slot: read one by one rather than with MGET.
  const stored = await Promise.all(
    endpoints.map(async (endpoint) => {
      const [open, probing] = await Promise.all([
        redis.exists(keys.breakerState(endpoint)),
        redis.exists(keys.breakerProbe(endpoint)),
      ]);
      const state: BreakerStateName = open > 0 ? 'open' : probing > 0 ? 'half-open' : 'closed';
      return [endpoint, state] as const;
    }),
  );
  const states: Record<string, BreakerStateName> = { ...local };
  for (const [endpoint, state] of stored) {
    const known = states[endpoint];
    if (known === undefined || severity[state] > severity[known]) states[endpoint] = state;
  }
  return states;
}
