import { tierQueueName, TierLadder, type SwitchyardConfig } from '@switchyard/core';
import type { Logger } from '@switchyard/observability';
import type { ProviderRegistry } from '@switchyard/providers';
import { createRedis, createWorker, type QueueRuntime } from '@switchyard/queue';
import { createTierProcessor } from './tier-processor.ts';

export interface ExecutorOptions {
  config: SwitchyardConfig;
  tier: string;
  runtime: QueueRuntime;
  providers: ProviderRegistry;
  logger: Logger;
  concurrency?: number;
}

export interface RunningExecutor {
  tier: string;
  close(): Promise<void>;
}

/** Starts the worker pool of one tier. */
export function startExecutor(options: ExecutorOptions): RunningExecutor {
  const { config, tier, runtime, logger } = options;
  const ladder = new TierLadder(config);
  ladder.indexOf(tier);
  const processor = createTierProcessor(tier, {
    config,
    ladder,
    store: runtime.store,
    queues: runtime.queues,
    providers: options.providers,
    logger,
  });
  // Workers block on Redis, so they get a connection of their own with worker settings.
  const connection = createRedis(runtime.redisUrl, 'worker', `switchyard-executor-${tier}`);
  const worker = createWorker(tierQueueName(tier), processor, {
    connection,
    keys: runtime.keys,
    concurrency: options.concurrency ?? config.queue.executorConcurrency,
    lockDurationMs: config.queue.lockDurationMs,
  });
  worker.on('failed', (job, error) => logger.warn({ jobId: job?.id, error: error.message }, 'job-failed'));
  worker.on('error', (error) => logger.error({ error: error.message }, 'worker-error'));
  logger.info({ tier, concurrency: options.concurrency ?? config.queue.executorConcurrency }, 'executor-started');
  return {
    tier,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
