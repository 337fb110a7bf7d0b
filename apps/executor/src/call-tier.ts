import { ProviderError, SwitchyardError, type DeploymentRef } from '@switchyard/core';
import {
  DeploymentUnavailableError,
  type BreakerBoard,
  type GenerateRequest,
  type GenerateResult,
  type ResolvedDeployment,
} from '@switchyard/providers';
import type { LiveTextSink } from './live-answer.ts';
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
 * A refusal that is about the deployment, not the request: a revoked or wrong key (401), a key
 * without access to the model (403), a model retired or misspelt in the config (404). The next
 * deployment, with its own key and model, may well answer.
 */
const failsOnlyThisDeployment = (error: ProviderError): boolean =>
  error.status === 401 || error.status === 403 || error.status === 404;

/**
 * Calls the tier's deployments in order, each through its endpoint's breaker, until one answers.
 * A deployment whose breaker is open or which is cooling down is skipped without a call; one
 * that fails retryably, or refuses this deployment's key or model (401/403/404), is skipped for
 * the next. Any other non-retryable failure (400, 422...) stops at once: the same request would
 * fail the same way everywhere, and another provider would only spend money failing it.
 *
 * When nothing answered:
 * - if a deployment was skipped without a call, or every deployment is now unavailable,
 *   `TierUnavailableError` says from when one may be tried (the job waits, no attempt is spent);
 * - if every deployment refused it for good, that refusal fails the job without retries;
 * - otherwise some provider is merely failing, and a retryable `tier_failed` lets BullMQ's
 *   attempts and backoff take over.
 *
 * An abort through `signal` (the worker is closing) ends the pass at once with the abort's error:
 * nothing more is called and nothing is held against the deployment.
 *
 * With `live`, each call streams from the provider and hands its text over as it arrives; a call
 * that fails after streaming some is reported to `live` before the next deployment is tried.
 */
export async function callTier(
  tier: string,
  deployments: readonly ResolvedDeployment[],
  request: Omit<GenerateRequest, 'model' | 'maxOutputTokens'> & { maxOutputTokens?: number },
  breakers: BreakerBoard,
  signal?: AbortSignal,
  live?: LiveTextSink,
): Promise<TierCallResult> {
  const skipped: SkippedDeployment[] = [];
  const notCalled: ResolvedDeployment[] = [];
  const refusals: ProviderError[] = [];
  let lastError: unknown;
  for (const resolved of deployments) {
    const ref = deploymentRef(resolved);
    const started = performance.now();
    const limit = minDefined(request.maxOutputTokens, resolved.deployment.maxOutputTokens);
    try {
      const onText = live?.call(ref);
      const generate = (callSignal: AbortSignal) =>
        resolved.adapter.generate(
          { ...request, model: ref.model, ...(limit === undefined ? {} : { maxOutputTokens: limit }) },
          onText === undefined ? { signal: callSignal } : { signal: callSignal, onText },
        );
      const result = await breakers.call(ref, generate, { signal });
      return { result, deployment: resolved, latencyMs: Math.round(performance.now() - started), skipped };
    } catch (error) {
      live?.failed(error instanceof Error ? error.message : String(error));
      if (signal?.aborted === true) throw error;
      const mapped = asProviderError(ref, error);
      if (!mapped.retryable && !failsOnlyThisDeployment(mapped)) throw mapped;
      if (mapped instanceof DeploymentUnavailableError) notCalled.push(resolved);
      if (!mapped.retryable) refusals.push(mapped);
      skipped.push({ deployment: ref, error: mapped.message });
      lastError = mapped;
    }
  }

  const now = Date.now();
  const waits = deployments.map((resolved) => breakers.availability(deploymentRef(resolved), now));
  // A deployment passed over without a call may be back before a BullMQ retry would come; and
  // when every deployment is unavailable, a retry could not call anything.
  const waitFor = waits.every((wait) => !wait.available)
    ? waits
    : notCalled.map((resolved) => breakers.availability(deploymentRef(resolved), now));
  if (waitFor.length > 0) {
    const availableAt = Math.min(...waitFor.map((wait) => (wait.available ? now : wait.availableAt)));
    const probing = waitFor.some((wait) => !wait.available && wait.reason === 'probe-in-flight');
    throw new TierUnavailableError(tier, availableAt, skipped, { cause: lastError, now, probing });
  }
  const [firstRefusal] = refusals;
  if (firstRefusal !== undefined && refusals.length === deployments.length) throw firstRefusal;
  const tried = skipped
    .map((entry) => `${entry.deployment.provider}/${entry.deployment.model}: ${entry.error}`)
    .join('; ');
  throw new SwitchyardError('tier_failed', `every deployment of tier ${tier} failed: ${tried}`, {
    retryable: true,
    cause: lastError,
  });
}

function asProviderError(deployment: DeploymentRef, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  // Adapters map their own errors; anything else is a bug or an unexpected runtime failure,
  // which a retry (bounded by the attempts) may get past.
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(deployment.provider, message, {
    retryable: true,
    cause: error,
    code: 'provider_unavailable',
  });
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
