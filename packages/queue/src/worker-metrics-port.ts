import type { SwitchyardConfig } from '@switchyard/core';
import {
  startMetricsServer,
  type HealthReport,
  type MetricsServer,
  type SwitchyardMetrics,
} from '@switchyard/observability';
import { snapshotQueues } from './queue-snapshot.ts';
import type { QueueRuntime } from './queue-runtime.ts';
import type { WorkerHealth } from './worker-health.ts';

/** Health of several workers in one process: healthy only when every one of them is. */
async function allHealthy(checks: (() => Promise<HealthReport>)[]): Promise<HealthReport> {
  const reports = await Promise.all(checks.map((check) => check()));
  return {
    healthy: reports.length > 0 && reports.every((report) => report.healthy),
    details: { workers: reports.map((report) => ({ healthy: report.healthy, ...report.details })) },
  };
}

/**
 * The metrics and health port of a worker process (`metrics.port`, `--metrics-port`): this
 * process's counters, the depth of the queues its workers take from, and a liveness that fails
 * when any worker stopped taking jobs.
 */
export async function startWorkerMetricsPort(
  config: SwitchyardConfig,
  runtime: QueueRuntime,
  metrics: SwitchyardMetrics,
  workers: readonly WorkerHealth[],
): Promise<MetricsServer | undefined> {
  if (config.metrics.port === undefined || workers.length === 0) return undefined;
  const names = new Set(workers.map((worker) => worker.queueName));
  const queues = runtime.queues.all().filter((queue) => names.has(queue.name));
  metrics.watchQueues(() => snapshotQueues(queues));
  return startMetricsServer({
    metrics,
    port: config.metrics.port,
    host: config.metrics.host,
    live: () => allHealthy(workers.map((worker) => () => worker.live())),
    ready: () => allHealthy(workers.map((worker) => () => worker.ready())),
  });
}
