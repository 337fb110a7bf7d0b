import { llmDeploymentRef, type ClassifierChainOptions, type LlmDeployment } from '@switchyard/classifiers';
import { configuredStrategies, type SwitchyardConfig } from '@switchyard/core';
import type { ProviderRegistry } from '@switchyard/providers';

/**
 * What the classifier chain needs from the process: the environment (keys named by `apiKeyEnv`)
 * and, when the config or an experiment's variant lists the llm strategy, the deployment that
 * answers for it. Providers are only resolved when llm is listed, so the other commands never
 * build adapters they do not use.
 */
export function classifierOptions(
  config: SwitchyardConfig,
  variables: Readonly<Record<string, string | undefined>>,
  providers: () => ProviderRegistry,
): ClassifierChainOptions {
  const options: ClassifierChainOptions = { env: variables };
  if (configuredStrategies(config).includes('llm')) options.llm = llmDeployment(config, providers());
  return options;
}

/** The deployment `classifier.llm` names (the first tier's first by default), flagged when simulated. */
export function llmDeployment(config: SwitchyardConfig, registry: ProviderRegistry): LlmDeployment {
  const { tier, deploymentIndex } = llmDeploymentRef(config);
  const resolved = registry.forTier(tier)[deploymentIndex];
  if (resolved === undefined) throw new Error(`classifier.llm: tier "${tier}" has no deployment ${deploymentIndex}`);
  return { adapter: resolved.adapter, model: resolved.deployment.model, simulated: resolved.simulated };
}
