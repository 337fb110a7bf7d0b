import { ProviderError, SwitchyardError, type DeploymentRef } from '@switchyard/core';
import type { GenerateRequest, GenerateResult, ResolvedDeployment } from '@switchyard/providers';

export interface TierCallResult {
  result: GenerateResult;
  deployment: ResolvedDeployment;
  latencyMs: number;
  skipped: { deployment: DeploymentRef; error: string }[];
}

export const deploymentRef = (resolved: ResolvedDeployment): DeploymentRef => ({
  provider: resolved.deployment.provider,
  model: resolved.deployment.model,
});

/**
 * Calls the tier's deployments in order until one answers. A retryable failure moves on to the
 * next deployment (provider redundancy); a non-retryable one (bad request, auth) stops at once,
 * because another provider would only spend money failing the same request. When every
 * deployment failed retryably, the last error is rethrown with the list of what was tried.
 */
export async function callTier(
  deployments: readonly ResolvedDeployment[],
  request: Omit<GenerateRequest, 'model' | 'maxOutputTokens'> & { maxOutputTokens?: number },
  timeoutMs: (resolved: ResolvedDeployment) => number,
): Promise<TierCallResult> {
  const skipped: TierCallResult['skipped'] = [];
  let lastError: unknown;
  for (const resolved of deployments) {
    const started = performance.now();
    const limit = minDefined(request.maxOutputTokens, resolved.deployment.maxOutputTokens);
    try {
      const result = await resolved.adapter.generate(
        { ...request, model: resolved.deployment.model, ...(limit === undefined ? {} : { maxOutputTokens: limit }) },
        { signal: AbortSignal.timeout(timeoutMs(resolved)) },
      );
      return { result, deployment: resolved, latencyMs: Math.round(performance.now() - started), skipped };
    } catch (error) {
      const mapped = asProviderError(resolved, error);
      if (!mapped.retryable) throw mapped;
      skipped.push({ deployment: deploymentRef(resolved), error: mapped.message });
      lastError = mapped;
    }
  }
  const tried = skipped.map((entry) => `${entry.deployment.provider}/${entry.deployment.model}: ${entry.error}`).join('; ');
  throw new SwitchyardError('tier_unavailable', `every deployment failed: ${tried}`, { retryable: true, cause: lastError });
}

function asProviderError(resolved: ResolvedDeployment, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  return new ProviderError(resolved.deployment.provider, timedOut ? `timed out: ${message}` : message, {
    retryable: true,
    cause: error,
    code: timedOut ? 'provider_timeout' : 'provider_unavailable',
  });
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
