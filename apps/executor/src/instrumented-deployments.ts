import { SwitchyardError } from '@switchyard/core';
import type { SwitchyardMetrics } from '@switchyard/observability';
import type { ResolvedDeployment } from '@switchyard/providers';

/** `provider/model`: the deployment label of provider metrics. */
export const deploymentLabel = (resolved: ResolvedDeployment): string =>
  `${resolved.deployment.provider}/${resolved.deployment.model}`;

/**
 * The same deployments with each adapter's calls timed and their failures counted. Timed at the
 * adapter, inside the breaker: a deployment skipped because its breaker is open made no call
 * and is not counted as a provider error.
 */
export function instrumentDeployments(
  deployments: ResolvedDeployment[],
  metrics: SwitchyardMetrics | undefined,
): ResolvedDeployment[] {
  if (metrics === undefined) return deployments;
  return deployments.map((resolved) => {
    const label = deploymentLabel(resolved);
    const { adapter } = resolved;
    return {
      ...resolved,
      adapter: {
        name: adapter.name,
        async generate(request, options) {
          const started = performance.now();
          try {
            const result = await adapter.generate(request, options);
            metrics.providerCall(label, (performance.now() - started) / 1000);
            return result;
          } catch (error) {
            metrics.providerCall(label, (performance.now() - started) / 1000, errorCode(error, options?.signal));
            throw error;
          }
        },
      },
    };
  });
}

function errorCode(error: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted === true) return 'aborted';
  if (error instanceof SwitchyardError) return error.code;
  return 'unknown';
}
