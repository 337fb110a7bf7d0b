import {
  boot,
  installSignalHandlers,
  printLine,
  serveUntilStopped,
  type Boot,
  type CommonFlags,
} from '@switchyard/bootstrap';
import { connectQueueRuntime, startWorkerMetricsPort, type QueueRuntime } from '@switchyard/queue';
import { startClassifierWorker, type RunningClassifier } from './classifier-worker.ts';

/**
 * The classify worker on a worker runtime. Await `context.classifier().ready()` before opening the
 * runtime: a bad model file, or a remote embedder that cannot embed the centroid examples, then
 * stops start-up with its own message rather than failing requests later.
 */
export function startClassifier(context: Boot, runtime: QueueRuntime): RunningClassifier {
  return startClassifierWorker({
    config: context.config,
    runtime,
    chain: context.classifier(),
    logger: context.logger('classifier'),
    metrics: context.metrics(),
  });
}

/** `switchyard classifier`: the classify worker as a process, until SIGINT/SIGTERM. */
export async function runClassifierProcess(flags: CommonFlags, say: (line: string) => void = printLine): Promise<void> {
  installSignalHandlers();
  const context = boot(flags);
  await context.classifier().ready();
  // Workers wait for Redis when it is away, so their runtime's connection does.
  const runtime = await connectQueueRuntime(context.config, context.env.redisUrl, 'worker', context.logger('redis'));
  const classifier = startClassifier(context, runtime);
  say('Classifier running');
  const port = await startWorkerMetricsPort(context.config, runtime, context.metrics(), [classifier.health]);
  if (port !== undefined) say(`Worker metrics and health on ${port.url}`);
  await serveUntilStopped(
    {
      async close(deadlineMs) {
        await port?.close();
        await classifier.close(deadlineMs);
        await runtime.close();
      },
    },
    say,
    context.config.shutdown.deadlineMs,
  );
}
