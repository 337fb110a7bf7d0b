import { ConfigError, type DeploymentConfig, type ProviderConfig, type SwitchyardConfig } from '@switchyard/core';
import type { ProviderAdapter } from './contract.ts';
import { createReplayAdapter } from './adapters/replay-adapter.ts';
import { loadRoutellmResponses, type ReplayDataset } from './adapters/routellm-replay-data.ts';
import { createSimulatedAdapter } from './adapters/simulated-adapter.ts';

/** Builds the adapter of one provider endpoint from its config entry and its API key. */
export type AdapterFactory = (endpoint: {
  name: string;
  config: ProviderConfig;
  apiKey: string | undefined;
}) => ProviderAdapter;

export interface ProviderRegistryOptions {
  /** Environment holding the API keys named by `providers.*.apiKeyEnv`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Serve every deployment from the simulated provider, keys or not. */
  simulateAll?: boolean;
  /** Adapters for provider types other than `simulated`, by type. */
  factories?: Partial<Record<ProviderConfig['type'], AdapterFactory>>;
}

export interface ResolvedDeployment {
  tier: string;
  deployment: DeploymentConfig;
  adapter: ProviderAdapter;
  /** True when a simulated adapter answers for this deployment. */
  simulated: boolean;
}

export interface ProviderRegistry {
  /** The deployments of a tier in fallback order, each with the adapter that serves it. */
  forTier(tierName: string): ResolvedDeployment[];
  /**
   * A deployment outside the tiers (the quality judge's own) on an endpoint of `providers`, with
   * `label` in place of a tier name.
   */
  resolve(label: string, deployment: DeploymentConfig): ResolvedDeployment;
  /** Endpoints answered by the simulated provider because no key was set (or simulateAll). */
  readonly simulatedEndpoints: readonly string[];
}

/**
 * Resolves every deployment to an adapter once, at start-up. A hosted provider without its API
 * key is replaced by the simulated provider, and the replacement is reported in
 * `simulatedEndpoints` so the caller can say so loudly; it never happens when the key is set.
 * A `replay` endpoint needs no key: it loads its data set here, and a deployment naming a model
 * the data set has no answers of is a configuration error.
 */
export function createProviderRegistry(config: SwitchyardConfig, options: ProviderRegistryOptions): ProviderRegistry {
  const simulatedEndpoints = new Set<string>();
  const endpointAdapters = new Map<string, ProviderAdapter | 'simulated'>();
  const replayDatasets = new Map<string, ReplayDataset>();

  for (const [name, provider] of Object.entries(config.providers)) {
    const apiKey = provider.apiKeyEnv === undefined ? undefined : options.env[provider.apiKeyEnv];
    const keyMissing =
      provider.type !== 'replay' && provider.apiKeyEnv !== undefined && (apiKey === undefined || apiKey === '');
    if (provider.type === 'simulated' || options.simulateAll === true || keyMissing) {
      endpointAdapters.set(name, 'simulated');
      if (provider.type !== 'simulated') simulatedEndpoints.add(name);
      continue;
    }
    if (provider.type === 'replay') {
      if (provider.dataset === undefined)
        throw new ConfigError(`providers.${name}.dataset: required for type "replay"`);
      const dataset = loadRoutellmResponses(provider.dataset);
      replayDatasets.set(name, dataset);
      endpointAdapters.set(name, createReplayAdapter({ name, dataset }));
      continue;
    }
    const factory = options.factories?.[provider.type];
    if (!factory) {
      throw new ConfigError(`providers.${name}.type: no adapter for provider type "${provider.type}" is available`);
    }
    endpointAdapters.set(name, factory({ name, config: provider, apiKey }));
  }

  config.tiers.forEach((tier, tierIndex) => {
    tier.deployments.forEach((deployment, deploymentIndex) => {
      const dataset = replayDatasets.get(deployment.provider);
      if (dataset === undefined || dataset.models.includes(deployment.model)) return;
      throw new ConfigError(
        `tiers[${tierIndex}].deployments[${deploymentIndex}].model: "${deployment.model}" ` +
          `has no recorded answers in ${dataset.source} (models: ${dataset.models.join(', ')})`,
      );
    });
  });

  const resolve = (tier: string, deployment: DeploymentConfig, weakAnswerRate: number): ResolvedDeployment => {
    const adapter = endpointAdapters.get(deployment.provider);
    if (adapter === undefined) throw new ConfigError(`unknown provider "${deployment.provider}" in tier ${tier}`);
    if (adapter !== 'simulated') return { tier, deployment, adapter, simulated: false };
    return {
      tier,
      deployment,
      simulated: true,
      adapter: createSimulatedAdapter({
        name: deployment.provider,
        latencyMs: config.simulation.latencyMs,
        weakAnswerRate,
        failureRate: config.simulation.failureRate,
      }),
    };
  };
  const byTier = new Map<string, ResolvedDeployment[]>();
  for (const tier of config.tiers) {
    // Simulated weakness is per tier so that lower tiers answer weakly more often and the
    // cascade has something to escalate.
    const weakAnswerRate = config.simulation.weakAnswerRate[tier.name] ?? 0;
    byTier.set(
      tier.name,
      tier.deployments.map((deployment) => resolve(tier.name, deployment, weakAnswerRate)),
    );
  }

  return {
    simulatedEndpoints: [...simulatedEndpoints],
    forTier(tierName: string): ResolvedDeployment[] {
      const deployments = byTier.get(tierName);
      if (!deployments) throw new RangeError(`unknown tier "${tierName}"`);
      return deployments;
    },
    resolve: (label, deployment) => resolve(label, deployment, 0),
  };
}
