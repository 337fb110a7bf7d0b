import { tierQueueName, TierLadder, type SwitchyardConfig } from '@switchyard/core';
import type { Logger, SwitchyardMetrics } from '@switchyard/observability';
import { BreakerBoard, createRedisBreakerSync, type ProviderRegistry } from '@switchyard/providers';
import {
  AnswerStreamWriter,
  createRedis,
  FeedbackStore,
  startHopWorker,
  type QueueRuntime,
  type WorkerHealth,
} from '@switchyard/queue';
import { createAnswerJudge } from './answer-judge.ts';
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
  /** The process's metrics (requests, cost, provider calls, breaker states, active jobs). */
  metrics?: SwitchyardMetrics | undefined;
}

export interface RunningExecutor {
  tier: string;
  /** Resolves once the executor listens to other processes' breaker changes. */
  ready: Promise<void>;
  /** Whether the tier's worker still takes jobs: what a health endpoint reports. */
  health: WorkerHealth;
  /** Stops taking jobs; in-flight hops finish or are handed back within `deadlineMs` (default: no limit). */
  close(deadlineMs?: number): Promise<void>;
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
  options: Pick<ExecutorOptions, 'config' | 'runtime' | 'logger' | 'metrics'>,
): ProcessBreakers {
  const { config, runtime, logger } = options;
  const subscriber = createRedis(runtime.redisUrl, 'subscriber', 'switchyard-breakers', runtime.report);
  const sync = createRedisBreakerSync({
    redis: runtime.redis,
    subscriber,
    channel: runtime.keys.breakerChannel,
    probeKey: (endpoint) => runtime.keys.breakerProbe(endpoint),
    stateKey: (endpoint) => runtime.keys.breakerState(endpoint),
    onError: (error) => logger.warn({ err: error }, 'breaker-sync-error'),
  });
  const board = new BreakerBoard(config, { logger, sync });
  options.metrics?.watchBreakers(() => board.states());
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
    metrics: options.metrics,
    judge: createAnswerJudge(config, options.providers, breakers.board, options.metrics),
    feedback: new FeedbackStore(runtime.redis, runtime.keys, config.feedback.retentionDays * 86_400),
    answerStream: (requestId) =>
      AnswerStreamWriter.forRequest(runtime.redis, runtime.keys, requestId, {
        ttlSeconds: config.queue.answerStreamTtlSeconds,
        maxLength: config.queue.answerStreamMaxLength,
      }),
  });
  options.metrics?.declareTier(
    tier,
    ladder.next(tier),
    ladder.get(tier).deployments.map((deployment) => `${deployment.provider}/${deployment.model}`),
  );
  const concurrency = options.concurrency ?? config.queue.executorConcurrency;
  const hopWorker = startHopWorker(tierQueueName(tier), processor, {
    runtime,
    concurrency,
    lockDurationMs: config.queue.lockDurationMs,
    logger,
    connectionName: `switchyard-executor-${tier}`,
    metrics: options.metrics,
  });
  logger.info({ tier, concurrency }, 'executor-started');
  return {
    tier,
    ready: breakers.ready,
    health: hopWorker.health,
    async close(deadlineMs) {
      await hopWorker.close(deadlineMs);
      if (ownsBreakers) await breakers.close();
    },
  };
}
