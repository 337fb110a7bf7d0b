import { classifyQueueName, TierLadder, type SwitchyardConfig } from '@switchyard/core';
import type { ClassifierChain } from '@switchyard/classifiers';
import type { Logger, SwitchyardMetrics } from '@switchyard/observability';
import { startHopWorker, type QueueRuntime, type WorkerHealth } from '@switchyard/queue';
import { createClassifyProcessor } from './classify-processor.ts';

export interface ClassifierWorkerOptions {
  config: SwitchyardConfig;
  runtime: QueueRuntime;
  chain: ClassifierChain;
  logger: Logger;
  /** The process's metrics (classification time, active jobs). */
  metrics?: SwitchyardMetrics | undefined;
}

export interface RunningClassifier {
  /** Whether the classify worker still takes jobs: what a health endpoint reports. */
  health: WorkerHealth;
  /** Stops taking jobs; in-flight ones finish within `deadlineMs` (default: no limit). */
  close(deadlineMs?: number): Promise<void>;
}

export function startClassifierWorker(options: ClassifierWorkerOptions): RunningClassifier {
  const { config, runtime, chain, logger } = options;
  const processor = createClassifyProcessor({
    chain,
    ladder: new TierLadder(config),
    store: runtime.store,
    queues: runtime.queues,
    logger,
    metrics: options.metrics,
  });
  const hopWorker = startHopWorker(classifyQueueName, processor, {
    runtime,
    concurrency: config.queue.classifierConcurrency,
    lockDurationMs: config.queue.lockDurationMs,
    logger,
    connectionName: 'switchyard-classifier',
    metrics: options.metrics,
  });
  logger.info({ concurrency: config.queue.classifierConcurrency }, 'classifier-started');
  return { health: hopWorker.health, close: (deadlineMs) => hopWorker.close(deadlineMs) };
}
