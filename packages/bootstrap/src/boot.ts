import { createClassifierChain, type ClassifierChain } from '@switchyard/classifiers';
import { loadConfig, readEnvironment, type Environment, type SwitchyardConfig } from '@switchyard/core';
import { createLogger, createMetricsRegistry, SwitchyardMetrics, type Logger } from '@switchyard/observability';
import { createProviderRegistry, defaultAdapterFactories, type ProviderRegistry } from '@switchyard/providers';
import { classifierOptions } from './classifier-options.ts';

export interface CommonFlags {
  config?: string | undefined;
  port?: string | undefined;
  /** Port of the worker metrics and health endpoints (`metrics.port`). */
  'metrics-port'?: string | undefined;
  simulate?: boolean | undefined;
}

export interface Boot {
  config: SwitchyardConfig;
  env: Environment;
  simulateAll: boolean;
  logger(name: string): Logger;
  providers(): ProviderRegistry;
  /** The classifier chain of the config, built once (model file, embedder and llm deployment resolved here). */
  classifier(): ClassifierChain;
  /**
   * Another chain of the same config, with its own strategies and counters: the API's dry runs
   * (`POST /v1/route`) must not show up in the classifier worker's llm counters.
   */
  separateClassifier(): ClassifierChain;
  /** The process's metrics, one registry whatever roles the process runs. */
  metrics(): SwitchyardMetrics;
}

/** Reads the environment and the config file once; everything below receives them. */
export function boot(flags: CommonFlags, defaults: { logLevel?: string } = {}): Boot {
  const env = readEnvironment(process.env);
  const config = loadConfig(flags.config ?? env.configPath);
  if (env.prefix !== undefined) config.queue.prefix = env.prefix;
  if (env.host !== undefined) config.api.host = env.host;
  if (env.allowOpenNetwork) config.auth.allowOpenNetwork = true;
  const port = flags.port ?? (env.port === undefined ? undefined : String(env.port));
  if (port !== undefined) {
    const parsed = Number(port);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
      throw new Error(`--port: "${port}" is not a port number`);
    config.api.port = parsed;
  }
  const metricsPort = flags['metrics-port'];
  if (metricsPort !== undefined) {
    const parsed = Number(metricsPort);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
      throw new Error(`--metrics-port: "${metricsPort}" is not a port number`);
    config.metrics.port = parsed;
  }
  const simulateAll = flags.simulate === true || env.simulate;
  let registry: ProviderRegistry | undefined;
  let chain: ClassifierChain | undefined;
  let metrics: SwitchyardMetrics | undefined;
  const providers = () => {
    registry ??= createProviderRegistry(config, {
      env: env.variables,
      simulateAll,
      factories: defaultAdapterFactories,
    });
    return registry;
  };
  return {
    config,
    env,
    simulateAll,
    logger: (name) => createLogger({ name, level: env.logLevel ?? defaults.logLevel ?? 'info' }),
    providers,
    classifier() {
      chain ??= createClassifierChain(config, classifierOptions(config, env.variables, providers));
      return chain;
    },
    metrics() {
      metrics ??= new SwitchyardMetrics(createMetricsRegistry());
      return metrics;
    },
    separateClassifier: () => createClassifierChain(config, classifierOptions(config, env.variables, providers)),
  };
}

/** The line that tells a user their answers are not from live models, or undefined when they are. */
export function simulationNotice(boot: Boot): string | undefined {
  const { config } = boot;
  const used = new Set(config.tiers.flatMap((tier) => tier.deployments.map((deployment) => deployment.provider)));
  const replayed = Object.entries(config.providers)
    .filter(([name, provider]) => provider.type === 'replay' && used.has(name) && !boot.simulateAll)
    .map(([name, provider]) => `${name} replays recorded answers from ${provider.dataset ?? '?'}`);
  const replay = replayed.length === 0 ? '' : ` REPLAY PROVIDER: ${replayed.join('; ')}; no model is called for those.`;
  if (boot.simulateAll)
    return 'SIMULATED PROVIDER: every answer is simulated (--simulate / SWITCHYARD_SIMULATE); no model is called.';
  const simulated = boot.providers().simulatedEndpoints.filter((name) => used.has(name));
  if (simulated.length === 0) return replay === '' ? undefined : replay.trim();
  const keys = simulated.map((name) => config.providers[name]?.apiKeyEnv).filter((key) => key !== undefined);
  return (
    `SIMULATED PROVIDER: no API key for ${simulated.join(', ')} (${keys.join(', ')} unset), ` +
    `so those deployments answer with simulated, labelled text; no model is called.${replay}`
  );
}
