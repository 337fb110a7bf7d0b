import { startApi } from '@switchyard/api';
import type { Boot } from '@switchyard/bootstrap';
import { startClassifier } from '@switchyard/classifier';
import { startExecutors } from '@switchyard/executor';
import {
  createQueueRuntime,
  startWorkerMetricsPort,
  waitForRedis,
  type QueueRuntime,
  type WorkerHealth,
} from '@switchyard/queue';

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

/**
 * Several roles in one process around one Redis (`switchyard start`, the demo): each app's own
 * starter, with one worker runtime shared by the classifier and the executors.
 */
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
  const workerHealth: WorkerHealth[] = [];

  if (roles.classifier === true && workerRuntime !== undefined) {
    const classifier = startClassifier(boot, workerRuntime);
    workerHealth.push(classifier.health);
    closers.push(() => classifier.close());
  }
  const tiers = roles.executors ?? [];
  if (workerRuntime !== undefined && tiers.length > 0) {
    const executors = await startExecutors(boot, workerRuntime, tiers);
    workerHealth.push(...executors.health);
    closers.push(() => executors.close());
  }
  if (apiRuntime !== undefined) {
    const api = await startApi(boot, apiRuntime);
    apiUrl = api.url;
    closers.unshift(() => api.close());
  }

  let metricsUrl: string | undefined;
  if (workerRuntime !== undefined) {
    const port = await startWorkerMetricsPort(config, workerRuntime, boot.metrics(), workerHealth);
    if (port !== undefined) {
      metricsUrl = port.url;
      closers.unshift(() => port.close());
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
