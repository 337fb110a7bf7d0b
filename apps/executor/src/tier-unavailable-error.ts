import { SwitchyardError, type DeploymentRef } from '@switchyard/core';

export interface SkippedDeployment {
  deployment: DeploymentRef;
  error: string;
}

/**
 * Nothing in a tier answered, and a deployment that was not called (breaker open, probe out,
 * cooling down after a 429) may be tried again at `availableAt`, or every deployment is in that
 * state. The tier processor turns this into a delayed job, not a failed attempt.
 */
export class TierUnavailableError extends SwitchyardError {
  readonly tier: string;
  /** Epoch milliseconds when the first deployment of the tier may be tried again. */
  readonly availableAt: number;
  /**
   * True when a deployment waits on a probe another call has out: its part of `availableAt` is the
   * latest the probe can end (its timeout), and the probe usually ends much sooner.
   */
  readonly probing: boolean;
  readonly skipped: readonly SkippedDeployment[];

  constructor(
    tier: string,
    availableAt: number,
    skipped: readonly SkippedDeployment[],
    options: { cause?: unknown; now?: number; probing?: boolean } = {},
  ) {
    const reasons = skipped
      .map((entry) => `${entry.deployment.provider}/${entry.deployment.model}: ${entry.error}`)
      .join('; ');
    super('tier_unavailable', `no deployment of tier ${tier} can answer now: ${reasons}`, {
      retryable: true,
      retryAfterMs: Math.max(0, availableAt - (options.now ?? Date.now())),
      cause: options.cause,
    });
    this.tier = tier;
    this.availableAt = availableAt;
    this.probing = options.probing ?? false;
    this.skipped = skipped;
  }
}
