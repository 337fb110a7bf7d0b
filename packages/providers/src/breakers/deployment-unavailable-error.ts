import { ProviderError, type DeploymentRef } from '@switchyard/core';

/** Why a deployment is not called right now. */
export type UnavailableReason = 'breaker-open' | 'probe-in-flight' | 'cooling-down';

/**
 * A deployment was skipped without calling it: its endpoint's breaker is open (or half-open with
 * a probe already testing it), or it is cooling down after a `Retry-After`. Retryable, and says
 * when the deployment can be tried again.
 */
export class DeploymentUnavailableError extends ProviderError {
  readonly reason: UnavailableReason;
  readonly deployment: DeploymentRef;
  /** Epoch milliseconds from which the deployment may be tried again. */
  readonly availableAt: number;

  constructor(
    deployment: DeploymentRef,
    reason: UnavailableReason,
    availableAt: number,
    detail: string,
    now = Date.now(),
  ) {
    super(deployment.provider, detail, {
      retryable: true,
      retryAfterMs: Math.max(0, availableAt - now),
      code: 'deployment_unavailable',
    });
    this.reason = reason;
    this.deployment = deployment;
    this.availableAt = availableAt;
  }
}
