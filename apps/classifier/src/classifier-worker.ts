import { classifyQueueName, type SwitchyardConfig } from '@switchyard/core';
import type { ClassifierChain } from '@switchyard/classifiers';
import type { Logger } from '@switchyard/observability';
import { createRedis, createWorker, failRequestsOfFailedJobs, type QueueRuntime } from '@switchyard/queue';
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
  const processor = createClassifyProcessor({ chain, store: runtime.store, queues: runtime.queues, logger });
  const connection = createRedis(runtime.redisUrl, 'worker', 'switchyard-classifier');
  const worker = createWorker(classifyQueueName, processor, {
    connection,
    keys: runtime.keys,
    concurrency: config.queue.classifierConcurrency,
    lockDurationMs: config.queue.lockDurationMs,
  });
  worker.on('failed', (job, error) => logger.warn({ jobId: job?.id, error: error.message }, 'job-failed'));
  failRequestsOfFailedJobs(worker, runtime.store, (error, jobId) => logger.error({ jobId, error: error.message }, 'request-fail-error'));
  worker.on('error', (error) => logger.error({ error: error.message }, 'worker-error'));
  logger.info({ concurrency: config.queue.classifierConcurrency }, 'classifier-started');
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
