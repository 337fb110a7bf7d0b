import { buildApp, planListen } from '@switchyard/api';
import { startClassifierWorker } from '@switchyard/classifier';
import { createExecutorBreakers, startExecutor } from '@switchyard/executor';
import { createQueueRuntime, waitForRedis, type QueueRuntime } from '@switchyard/queue';
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
  // Refuses an open API on the network before anything connects.
  const listen = roles.api === true ? planListen(config) : undefined;
  // Before any connection: a bad model file, or a remote embedder that cannot embed the centroid
  // examples, stops start-up with its own message rather than failing requests later.
  if (roles.classifier === true) await boot.classifier().ready();
  // Workers wait for Redis when it is away; the API fails fast with a 503. Each gets a runtime
  // whose connection behaves that way.
  const hasWorkers = roles.classifier === true || (roles.executors ?? []).length > 0;
  const workerRuntime = hasWorkers ? createQueueRuntime(config, boot.env.redisUrl, 'worker') : undefined;
  const apiRuntime = roles.api === true ? createQueueRuntime(config, boot.env.redisUrl, 'producer') : undefined;
  const runtime = apiRuntime ?? workerRuntime;
  if (runtime === undefined) throw new Error('no role selected');
  await waitForRedis(runtime.redis, 10_000);
  const closers: (() => Promise<void>)[] = [];
  let apiUrl: string | undefined;

  if (roles.classifier === true && workerRuntime !== undefined) {
    const worker = startClassifierWorker({
      config,
      runtime: workerRuntime,
      chain: boot.classifier(),
      logger: boot.logger('classifier'),
    });
    closers.push(() => worker.close());
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
      closers.push(() => executor.close());
    }
    closers.push(() => breakers.close());
    await breakers.ready;
  }
  if (apiRuntime !== undefined && listen !== undefined) {
    const logger = boot.logger('api');
    const app = await buildApp({ config, runtime: apiRuntime, logger, classifier: boot.separateClassifier() });
    if (listen.openModeNotice !== undefined) logger.warn({ host: listen.host }, listen.openModeNotice);
    const address = await app.listen({ host: listen.host, port: config.api.port });
    const url = new URL(address);
    if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
    apiUrl = url.origin;
    closers.unshift(() => app.close());
  }

  return {
    apiUrl,
    runtime,
    async close() {
      for (const close of closers) await close();
      await apiRuntime?.close();
      await workerRuntime?.close();
    },
  };
}
