import { tierQueueName, TierLadder, type SwitchyardConfig } from '@switchyard/core';
import type { Logger } from '@switchyard/observability';
import { BreakerBoard, createRedisBreakerSync, type ProviderRegistry } from '@switchyard/providers';
import { AnswerStreamWriter, createRedis, startHopWorker, type QueueRuntime } from '@switchyard/queue';
import { createTierProcessor } from './tier-processor.ts';

export interface ExecutorOptions {
  config: SwitchyardConfig;
  tier: string;
  runtime: QueueRuntime;
  providers: ProviderRegistry;
  logger: Logger;
  concurrency?: number;
  /**
   * The process's provider breakers (`createExecutorBreakers`). Executors of several tiers in one
   * process should share one, so that each provider endpoint has one breaker per process; when
   * absent, the executor makes its own.
   */
  breakers?: ProcessBreakers;
}

export interface RunningExecutor {
  tier: string;
  /** Resolves once the executor listens to other processes' breaker changes. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface ProcessBreakers {
  board: BreakerBoard;
  /** Resolves once the board hears other processes. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * The breakers of this process's provider endpoints, kept in step with every other executor
 * process through Redis (same `queue.prefix`): a breaker that opens or closes anywhere opens or
 * closes everywhere, and one process probes recovery.
 */
export function createExecutorBreakers(
  options: Pick<ExecutorOptions, 'config' | 'runtime' | 'logger'>,
): ProcessBreakers {
  const { config, runtime, logger } = options;
  const subscriber = createRedis(runtime.redisUrl, 'subscriber', 'switchyard-breakers');
  const sync = createRedisBreakerSync({
    redis: runtime.redis,
    subscriber,
    channel: runtime.keys.breakerChannel,
    probeKey: (endpoint) => runtime.keys.breakerProbe(endpoint),
    onError: (error) => logger.warn({ err: error }, 'breaker-sync-error'),
  });
  const board = new BreakerBoard(config, { logger, sync });
  const ready = board.start().then(
    () => logger.info({ channel: runtime.keys.breakerChannel }, 'breaker-sync-ready'),
    (error: unknown) => logger.error({ err: error }, 'breaker-sync-error'),
  );
  return { board, ready, close: () => board.close() };
}

/** Starts the worker pool of one tier. */
export function startExecutor(options: ExecutorOptions): RunningExecutor {
  const { config, tier, runtime, logger } = options;
  const ladder = new TierLadder(config);
  ladder.indexOf(tier);
  const ownsBreakers = options.breakers === undefined;
  const breakers = options.breakers ?? createExecutorBreakers(options);
  const processor = createTierProcessor(tier, {
    config,
    ladder,
    store: runtime.store,
    cache: runtime.cache,
    queues: runtime.queues,
    providers: options.providers,
    breakers: breakers.board,
    logger,
    answerStream: (requestId) =>
      AnswerStreamWriter.forRequest(runtime.redis, runtime.keys, requestId, {
        ttlSeconds: config.queue.answerStreamTtlSeconds,
        maxLength: config.queue.answerStreamMaxLength,
      }),
  });
  const concurrency = options.concurrency ?? config.queue.executorConcurrency;
  const hopWorker = startHopWorker(tierQueueName(tier), processor, {
    runtime,
    concurrency,
    lockDurationMs: config.queue.lockDurationMs,
    logger,
    connectionName: `switchyard-executor-${tier}`,
  });
  logger.info({ tier, concurrency }, 'executor-started');
  return {
    tier,
    ready: breakers.ready,
    async close() {
      await hopWorker.close();
      if (ownsBreakers) await breakers.close();
    },
  };
}
