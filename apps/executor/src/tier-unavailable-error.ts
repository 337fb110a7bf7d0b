import { SwitchyardError, type DeploymentRef } from '@switchyard/core';

export interface SkippedDeployment {
  deployment: DeploymentRef;
  error: string;
}

/**
 * Every deployment of a tier is unavailable right now (breakers open, probes out, cooling down
 * after a 429): nothing was answered and nothing more can be tried before `availableAt`. The
 * tier processor turns this into a delayed job, not a failed attempt.
 */
export class TierUnavailableError extends SwitchyardError {
  readonly tier: string;
  /** Epoch milliseconds when the first deployment of the tier may be tried again. */
  readonly availableAt: number;
  readonly skipped: readonly SkippedDeployment[];

  constructor(tier: string, availableAt: number, skipped: readonly SkippedDeployment[], options: { cause?: unknown; now?: number } = {}) {
    const reasons = skipped.map((entry) => `${entry.deployment.provider}/${entry.deployment.model}: ${entry.error}`).join('; ');
    super('tier_unavailable', `every deployment of tier ${tier} is unavailable: ${reasons}`, {
      retryable: true,
      retryAfterMs: Math.max(0, availableAt - (options.now ?? Date.now())),
      cause: options.cause,
    });
    this.tier = tier;
    this.availableAt = availableAt;
    this.skipped = skipped;
  }
}
