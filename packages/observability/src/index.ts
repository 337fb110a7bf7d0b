export { createLogger, type Logger, type LoggerSettings } from './logger.ts';
export { createMetricsRegistry, Registry } from './metrics-registry.ts';
export {
  SwitchyardMetrics,
  breakerStateValues,
  type BreakerStateName,
  type QueueSnapshot,
} from './switchyard-metrics.ts';
export {
  startMetricsServer,
  type HealthReport,
  type MetricsServer,
  type MetricsServerOptions,
} from './metrics-server.ts';
