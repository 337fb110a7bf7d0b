import { buildApp } from '@switchyard/api';
import { startClassifierWorker } from '@switchyard/classifier';
import { createExecutorBreakers, startExecutor } from '@switchyard/executor';
import { checkEvictionPolicy, createQueueRuntime, waitForRedis, type QueueRuntime } from '@switchyard/queue';
import type { Boot } from './bootstrap.ts';

export interface RoleSelection {
  api?: boolean;
  classifier?: boolean;
  /** Tier names whose executor pools run in this process. */
  executors?: string[];
}

export interface RunningRoles {
  /** `http://host:port` of the API when it runs here. */
  apiUrl: string | undefined;
  runtime: QueueRuntime;
  close(): Promise<void>;
}

/** Starts the selected roles in this process around one Redis runtime. */
export async function startRoles(boot: Boot, roles: RoleSelection): Promise<RunningRoles> {
  const { config } = boot;
  // Before any connection: a bad model file, or a remote embedder that cannot embed the centroid
  // examples, stops start-up with its own message rather than failing requests later.
  if (roles.classifier === true) await boot.classifier().ready();
  // Workers wait for Redis when it is away; the API fails fast with a 503. Each gets a runtime
  // whose connection behaves that way.
  const hasWorkers = roles.classifier === true || (roles.executors ?? []).length > 0;
  const redisLogger = boot.logger('redis');
  const workerRuntime = hasWorkers ? createQueueRuntime(config, boot.env.redisUrl, 'worker', redisLogger) : undefined;
  const apiRuntime =
    roles.api === true ? createQueueRuntime(config, boot.env.redisUrl, 'producer', redisLogger) : undefined;
  const runtime = apiRuntime ?? workerRuntime;
  if (runtime === undefined) throw new Error('no role selected');
  await waitForRedis(runtime.redis, 10_000);
  await checkEvictionPolicy(runtime.redis, config.queue.evictionPolicyCheck, redisLogger);
  // Workers get what is left of the shutdown deadline when their turn comes (after the API).
  const closers: ((deadlineMs: number) => Promise<void>)[] = [];
  const workerClosers: ((deadlineMs: number) => Promise<void>)[] = [];
  let apiUrl: string | undefined;

  if (roles.classifier === true && workerRuntime !== undefined) {
    const worker = startClassifierWorker({
      config,
      runtime: workerRuntime,
      chain: boot.classifier(),
      logger: boot.logger('classifier'),
    });
    workerClosers.push((deadlineMs) => worker.close(deadlineMs));
  }
  const tiers = roles.executors ?? [];
  if (workerRuntime !== undefined && tiers.length > 0) {
    // One breaker per provider endpoint per process, shared by the executors of every tier here.
    const breakers = createExecutorBreakers({ config, runtime: workerRuntime, logger: boot.logger('breakers') });
    for (const tier of tiers) {
      const executor = startExecutor({
        config,
        tier,
        runtime: workerRuntime,
        providers: boot.providers(),
        breakers,
        logger: boot.logger(`executor.${tier}`),
      });
      workerClosers.push((deadlineMs) => executor.close(deadlineMs));
    }
    closers.push(async (deadlineMs) => {
      await Promise.all(workerClosers.map((close) => close(deadlineMs)));
      await breakers.close();
    });
    await breakers.ready;
  }
  if (apiRuntime !== undefined) {
    const app = await buildApp({
      config,
      runtime: apiRuntime,
      logger: boot.logger('api'),
      classifier: boot.separateClassifier(),
    });
    const address = await app.listen({ host: config.api.host, port: config.api.port });
    const url = new URL(address);
    if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
    apiUrl = url.origin;
    closers.unshift(() => app.close());
  }
  if (tiers.length === 0 && workerClosers.length > 0)
    closers.push((deadlineMs) => Promise.all(workerClosers.map((close) => close(deadlineMs))).then(() => undefined));

  return {
    apiUrl,
    runtime,
    /**
     * Stops taking work and lets what is in flight finish or go back to the queue within
     * `shutdown.deadlineMs`; past it, connections are dropped and in-flight hops run again elsewhere.
     */
    async close() {
      const until = Date.now() + config.shutdown.deadlineMs;
      const left = () => Math.max(0, until - Date.now());
      const closing = (async () => {
        for (const close of closers) await close(left());
        await apiRuntime?.close();
        await workerRuntime?.close();
      })();
      let timer: NodeJS.Timeout | undefined;
      // One second past the deadline for the workers to drop their connections, then give up waiting.
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, config.shutdown.deadlineMs + 1_000)));
      await Promise.race([closing, late]);
      clearTimeout(timer);
    },
  };
}
