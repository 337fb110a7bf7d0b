import { buildApp } from '@switchyard/api';
import { startClassifierWorker } from '@switchyard/classifier';
import { createExecutorBreakers, startExecutor } from '@switchyard/executor';
import { createMetricsRegistry, SwitchyardMetrics } from '@switchyard/observability';
import { createQueueRuntime, waitForRedis, type QueueRuntime, type WorkerHealth } from '@switchyard/queue';
import type { Boot } from './bootstrap.ts';
import { startWorkerMetricsPort } from './worker-metrics-port.ts';

export interface RoleSelection {
  api?: boolean;
  classifier?: boolean;
  /** Tier names whose executor pools run in this process. */
  executors?: string[];
}

export interface RunningRoles {
  /** `http://host:port` of the API when it runs here. */
  apiUrl: string | undefined;
  /** `http://host:port` of the worker metrics and health port when it runs here. */
  metricsUrl: string | undefined;
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
  const workerRuntime = hasWorkers ? createQueueRuntime(config, boot.env.redisUrl, 'worker') : undefined;
  const apiRuntime = roles.api === true ? createQueueRuntime(config, boot.env.redisUrl, 'producer') : undefined;
  const runtime = apiRuntime ?? workerRuntime;
  if (runtime === undefined) throw new Error('no role selected');
  await waitForRedis(runtime.redis, 10_000);
  const closers: (() => Promise<void>)[] = [];
  let apiUrl: string | undefined;
  // One registry per process, whatever roles it runs.
  const roleNames = [
    roles.api === true ? 'api' : '',
    roles.classifier === true ? 'classifier' : '',
    ...(roles.executors ?? []).map((tier) => `executor.${tier}`),
  ];
  const metrics = new SwitchyardMetrics(createMetricsRegistry({ role: roleNames.filter(Boolean).join('+') }));
  const workerHealth: WorkerHealth[] = [];

  if (roles.classifier === true && workerRuntime !== undefined) {
    const worker = startClassifierWorker({
      config,
      runtime: workerRuntime,
      chain: boot.classifier(),
      logger: boot.logger('classifier'),
      metrics,
    });
    workerHealth.push(worker.health);
    closers.push(() => worker.close());
  }
  const tiers = roles.executors ?? [];
  if (workerRuntime !== undefined && tiers.length > 0) {
    // One breaker per provider endpoint per process, shared by the executors of every tier here.
    const breakers = createExecutorBreakers({
      config,
      runtime: workerRuntime,
      logger: boot.logger('breakers'),
      metrics,
    });
    for (const tier of tiers) {
      const executor = startExecutor({
        config,
        tier,
        runtime: workerRuntime,
        providers: boot.providers(),
        breakers,
        logger: boot.logger(`executor.${tier}`),
        metrics,
      });
      workerHealth.push(executor.health);
      closers.push(() => executor.close());
    }
    closers.push(() => breakers.close());
    await breakers.ready;
  }
  if (apiRuntime !== undefined) {
    const app = await buildApp({
      config,
      runtime: apiRuntime,
      logger: boot.logger('api'),
      classifier: boot.separateClassifier(),
      metrics,
    });
    const address = await app.listen({ host: config.api.host, port: config.api.port });
    const url = new URL(address);
    if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
    apiUrl = url.origin;
    closers.unshift(() => app.close());
  }

  let metricsUrl: string | undefined;
  if (workerRuntime !== undefined) {
    const server = await startWorkerMetricsPort(config, workerRuntime, metrics, workerHealth);
    if (server !== undefined) {
      metricsUrl = server.url;
      closers.push(() => server.close());
    }
  }

  return {
    apiUrl,
    metricsUrl,
    runtime,
    async close() {
      for (const close of closers) await close();
      await apiRuntime?.close();
      await workerRuntime?.close();
    },
  };
}
