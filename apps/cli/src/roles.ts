import { startApi } from '@switchyard/api';
import type { Boot } from '@switchyard/bootstrap';
import { startClassifier } from '@switchyard/classifier';
import { startExecutors } from '@switchyard/executor';
import { connectQueueRuntime, startWorkerMetricsPort, type QueueRuntime, type WorkerHealth } from '@switchyard/queue';

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
  /** Stops every role here; workers finish or hand back their jobs within `deadlineMs` (default: no limit). */
  close(deadlineMs?: number): Promise<void>;
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
  const logger = boot.logger('redis');
  const workerRuntime = hasWorkers ? await connectQueueRuntime(config, boot.env.redisUrl, 'worker', logger) : undefined;
  const apiRuntime =
    roles.api === true ? await connectQueueRuntime(config, boot.env.redisUrl, 'producer', logger) : undefined;
  const runtime = apiRuntime ?? workerRuntime;
  if (runtime === undefined) throw new Error('no role selected');
  // The API stops first (no new work), then the workers share what is left of the deadline.
  const closers: ((deadlineMs: number | undefined) => Promise<void>)[] = [];
  let apiUrl: string | undefined;
  const workerHealth: WorkerHealth[] = [];

  if (roles.classifier === true && workerRuntime !== undefined) {
    const classifier = startClassifier(boot, workerRuntime);
    workerHealth.push(classifier.health);
    closers.push((deadlineMs) => classifier.close(deadlineMs));
  }
  const tiers = roles.executors ?? [];
  if (workerRuntime !== undefined && tiers.length > 0) {
    const executors = await startExecutors(boot, workerRuntime, tiers);
    workerHealth.push(...executors.health);
    closers.push((deadlineMs) => executors.close(deadlineMs));
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
    async close(deadlineMs) {
      const until = deadlineMs === undefined ? undefined : Date.now() + deadlineMs;
      for (const close of closers) await close(until === undefined ? undefined : Math.max(0, until - Date.now()));
      await apiRuntime?.close();
      await workerRuntime?.close();
    },
  };
}
