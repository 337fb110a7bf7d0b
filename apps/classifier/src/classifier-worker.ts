import { classifyQueueName, TierLadder, type SwitchyardConfig } from '@switchyard/core';
import type { ClassifierChain } from '@switchyard/classifiers';
import type { Logger } from '@switchyard/observability';
import { startHopWorker, type QueueRuntime } from '@switchyard/queue';
import { createClassifyProcessor } from './classify-processor.ts';

export interface ClassifierWorkerOptions {
  config: SwitchyardConfig;
  runtime: QueueRuntime;
  chain: ClassifierChain;
  logger: Logger;
}

export interface RunningClassifier {
  close(): Promise<void>;
}

export function startClassifierWorker(options: ClassifierWorkerOptions): RunningClassifier {
  const { config, runtime, chain, logger } = options;
  const processor = createClassifyProcessor({
    chain,
    ladder: new TierLadder(config),
    store: runtime.store,
    queues: runtime.queues,
    logger,
  });
  const hopWorker = startHopWorker(classifyQueueName, processor, {
    runtime,
    concurrency: config.queue.classifierConcurrency,
    lockDurationMs: config.queue.lockDurationMs,
    logger,
    connectionName: 'switchyard-classifier',
  });
  logger.info({ concurrency: config.queue.classifierConcurrency }, 'classifier-started');
  return { close: () => hopWorker.close() };
}
