import { collectDefaultMetrics, Registry } from 'prom-client';

export { Registry } from 'prom-client';

/**
 * The one way Switchyard makes a Prometheus registry: one per process, with Node's own metrics
 * (event-loop lag, heap, GC, CPU) under their standard `nodejs_` / `process_` names so stock
 * Node dashboards work on it. A registry of its own rather than prom-client's global one, so that
 * several apps built in one test process do not collide on metric names. `labels` go on every
 * series (Prometheus adds job, instance and, in Kubernetes, pod and component itself).
 */
export function createMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  // 10 ms resolution is prom-client's default; finer costs CPU for no gain at a 15 s scrape.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  return registry;
}
