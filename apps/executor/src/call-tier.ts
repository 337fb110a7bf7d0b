import { ProviderError, SwitchyardError, type DeploymentRef } from '@switchyard/core';
import type { BreakerBoard, GenerateRequest, GenerateResult, ResolvedDeployment } from '@switchyard/providers';
import { TierUnavailableError, type SkippedDeployment } from './tier-unavailable-error.ts';

export interface TierCallResult {
  result: GenerateResult;
  deployment: ResolvedDeployment;
  latencyMs: number;
  skipped: SkippedDeployment[];
}

export const deploymentRef = (resolved: ResolvedDeployment): DeploymentRef => ({
  provider: resolved.deployment.provider,
  model: resolved.deployment.model,
});

/**
 * Calls the tier's deployments in order, each through its endpoint's breaker, until one answers.
 * A deployment whose breaker is open or which is cooling down is skipped without a call; one
 * that fails retryably is skipped for the next (provider redundancy). A non-retryable failure
 * (bad request, auth) stops at once: another provider would only spend money failing the same
 * request.
 *
 * When nothing answered: if every deployment is now unavailable, `TierUnavailableError` says
 * until when (the job waits, no attempt is spent); otherwise some provider is merely failing and
 * a retryable `tier_failed` lets BullMQ's attempts and backoff take over.
 */
export async function callTier(
  tier: string,
  deployments: readonly ResolvedDeployment[],
  request: Omit<GenerateRequest, 'model' | 'maxOutputTokens'> & { maxOutputTokens?: number },
  breakers: BreakerBoard,
): Promise<TierCallResult> {
  const skipped: SkippedDeployment[] = [];
  let lastError: unknown;
  for (const resolved of deployments) {
    const ref = deploymentRef(resolved);
    const started = performance.now();
    const limit = minDefined(request.maxOutputTokens, resolved.deployment.maxOutputTokens);
    try {
      const result = await breakers.call(ref, (signal) =>
        resolved.adapter.generate({ ...request, model: ref.model, ...(limit === undefined ? {} : { maxOutputTokens: limit }) }, { signal }),
      );
      return { result, deployment: resolved, latencyMs: Math.round(performance.now() - started), skipped };
    } catch (error) {
      const mapped = asProviderError(ref, error);
      if (!mapped.retryable) throw mapped;
      skipped.push({ deployment: ref, error: mapped.message });
      lastError = mapped;
    }
  }

  const now = Date.now();
  const waits = deployments.map((resolved) => breakers.availability(deploymentRef(resolved), now));
  if (waits.every((wait) => !wait.available)) {
    const availableAt = Math.min(...waits.map((wait) => (wait.available ? now : wait.availableAt)));
    throw new TierUnavailableError(tier, availableAt, skipped, { cause: lastError, now });
  }
  const tried = skipped.map((entry) => `${entry.deployment.provider}/${entry.deployment.model}: ${entry.error}`).join('; ');
  throw new SwitchyardError('tier_failed', `every deployment of tier ${tier} failed: ${tried}`, { retryable: true, cause: lastError });
}

function asProviderError(deployment: DeploymentRef, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  // Adapters map their own errors; anything else is a bug or an unexpected runtime failure,
  // which a retry (bounded by the attempts) may get past.
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(deployment.provider, message, { retryable: true, cause: error, code: 'provider_unavailable' });
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
