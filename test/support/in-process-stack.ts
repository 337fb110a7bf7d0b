import { buildApp } from '@switchyard/api';
import { loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { startExecutor, type RunningExecutor } from '@switchyard/executor';
import { createLogger } from '@switchyard/observability';
import { createProviderRegistry } from '@switchyard/providers';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';

export interface InProcessStack {
  config: SwitchyardConfig;
  runtime: QueueRuntime;
  app: Awaited<ReturnType<typeof buildApp>>;
  close(): Promise<void>;
}

/**
 * The API and one executor per tier in this process, on the simulated provider (1–5 ms), with the
 * bundled config changed by `change`: for chat completions, which the API classifies inline.
 */
export async function startInProcessStack(
  label: string,
  change: (config: SwitchyardConfig) => void,
): Promise<InProcessStack> {
  const logger = createLogger({ name: `${label}-test`, level: 'silent' });
  const config = loadConfig();
  config.queue.prefix = uniquePrefix(label);
  config.simulation = { latencyMs: { min: 1, max: 5 }, weakAnswerRate: {}, failureRate: 0 };
  change(config);
  const runtime = createQueueRuntime(config, await redisUrlForTests(), 'worker', logger);
  const providers = createProviderRegistry(config, { env: {}, simulateAll: true });
  const executors: RunningExecutor[] = config.tiers.map((tier) =>
    startExecutor({ config, tier: tier.name, runtime, providers, logger }),
  );
  await Promise.all(executors.map((executor) => executor.ready));
  const app = await buildApp({ config, runtime, logger });
  return {
    config,
    runtime,
    app,
    async close() {
      await app.close();
      await Promise.all(executors.map((executor) => executor.close()));
      await runtime.close();
    },
  };
}
