import {
  boot,
  installSignalHandlers,
  printLine,
  serveUntilStopped,
  type Boot,
  type CommonFlags,
} from '@switchyard/bootstrap';
import { connectQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { buildApp } from './app.ts';
import { createKeyCheck, planListen } from './auth/index.ts';

export interface RunningApi {
  /** `http://host:port` the API answers on. */
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP API on a producer runtime (it answers 503 while Redis is away instead of waiting).
 * `runApiProcess` runs it alone; `switchyard start` runs it beside the workers.
 */
export async function startApi(context: Boot, runtime: QueueRuntime): Promise<RunningApi> {
  const { config } = context;
  const listen = planListen(config);
  const logger = context.logger('api');
  const app = await buildApp({
    config,
    runtime,
    logger,
    classifier: context.separateClassifier(),
    metrics: context.metrics(),
    // Bull Board and the dashboard, behind an admin key (in open mode, the local admin).
    adminPages: { checkKey: createKeyCheck(config), sessionSecret: context.env.sessionSecret },
  });
  if (listen.openModeNotice !== undefined) logger.warn({ host: listen.host }, listen.openModeNotice);
  const address = await app.listen({ host: listen.host, port: config.api.port });
  const url = new URL(address);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  return { url: url.origin, close: () => app.close() };
}

/** The line that says where the API listens. */
export const apiListeningLine = (context: Boot, url: string): string =>
  `Switchyard API listening on ${url} (queue prefix "${context.config.queue.prefix}")`;

/** `switchyard api`: the API as a process, until SIGINT/SIGTERM. Redis is expected to be running. */
export async function runApiProcess(flags: CommonFlags, say: (line: string) => void = printLine): Promise<void> {
  installSignalHandlers();
  const context = boot(flags);
  // An API without keys on the network is refused before anything connects.
  planListen(context.config);
  const runtime = await connectQueueRuntime(context.config, context.env.redisUrl, 'producer', context.logger('redis'));
  const api = await startApi(context, runtime);
  say(apiListeningLine(context, api.url));
  await serveUntilStopped(
    {
      async close() {
        await api.close();
        await runtime.close();
      },
    },
    say,
    context.config.shutdown.deadlineMs,
  );
}
