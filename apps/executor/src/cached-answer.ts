import {
  costUsd,
  roundUsd,
  type Attempt,
  type ChatRequest,
  type DeploymentConfig,
  type RoutingDecision,
  type SwitchyardConfig,
  type TierLadder,
  cacheProvider,
} from '@switchyard/core';
import { cacheKeyOf, type ResponseCache } from '@switchyard/queue';

/** The request's cache key, or undefined when the cache is off for it (config, or `cache: false`). */
export function cacheDigestOf(
  config: Pick<SwitchyardConfig, 'cache'>,
  request: ChatRequest,
  decision: RoutingDecision | undefined,
): string | undefined {
  if (!config.cache.enabled || request.cache === false) return undefined;
  return cacheKeyOf(request, decision?.route ?? 'none');
}

/**
 * The cached answer as this hop's attempt: no call, so no tokens and no cost; its baseline is what
 * the premium deployment would have charged for the cached answer's tokens, so the saving of a
 * hit shows in the ledger.
 */
export async function attemptFromCache(
  cache: ResponseCache,
  digest: string,
  hop: number,
  tier: string,
  premium: DeploymentConfig | undefined,
): Promise<Attempt | undefined> {
  const cached = await cache.get(digest);
  if (cached === undefined) return undefined;
  return {
    hop,
    tier,
    deployment: { provider: cacheProvider, model: `${cached.deployment.provider}/${cached.deployment.model}` },
    startedAt: new Date().toISOString(),
    latencyMs: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    baselineCostUsd: premium === undefined ? 0 : roundUsd(costUsd(premium, cached.usage)),
    finishReason: cached.finishReason,
    answer: cached.answer,
    simulated: cached.simulated,
    qualityScore: cached.qualityScore,
    qualityReasons: [`cache hit (answered on ${cached.tier})`],
    skipped: [],
  };
}

export const isCacheHit = (attempt: Attempt): boolean => attempt.deployment.provider === cacheProvider;

/**
 * Keeps the served answer for identical requests, if it passed the quality gate of its tier. The
 * configured gate, not an experiment variant's: the cache serves both arms, and a variant with a
 * lower threshold must not fill it with answers the control's gate would have sent up.
 */
export async function fillCache(
  cache: ResponseCache,
  digest: string,
  served: Attempt,
  ladder: TierLadder,
  config: Pick<SwitchyardConfig, 'cascade'>,
): Promise<boolean> {
  const threshold = ladder.get(served.tier).qualityThreshold ?? config.cascade.qualityThreshold;
  if (isCacheHit(served) || served.qualityScore < threshold) return false;
  await cache.put(digest, {
    answer: served.answer,
    tier: served.tier,
    deployment: served.deployment,
    usage: served.usage,
    finishReason: served.finishReason,
    qualityScore: served.qualityScore,
    simulated: served.simulated,
  });
  return true;
}
