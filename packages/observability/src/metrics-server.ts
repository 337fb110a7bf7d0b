import { createServer, type Server } from 'node:http';
import type { SwitchyardMetrics } from './switchyard-metrics.ts';

/** A health verdict: `healthy` false answers 503, with `details` saying why. */
export interface HealthReport {
  healthy: boolean;
  details: Record<string, unknown>;
}

export interface MetricsServerOptions {
  metrics: SwitchyardMetrics;
  /** Liveness: false when the process should be restarted (it stopped taking jobs). */
  live: () => Promise<HealthReport>;
  /** Readiness: false while the process cannot work right now (Redis away). */
  ready: () => Promise<HealthReport>;
  port: number;
  /** Default: every interface, since Prometheus and the kubelet call from outside the pod. */
  host?: string;
}

export interface MetricsServer {
  /** `http://host:port` it listens on. */
  url: string;
  close(): Promise<void>;
}

/**
 * The small HTTP port of a worker process: `/metrics` for Prometheus, `/healthz` (liveness) and
 * `/readyz` (readiness) for the orchestrator. Plain `node:http`: a worker has no other HTTP and
 * should not load Fastify for three routes.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = (status: number, contentType: string, body: string) => {
      response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      response.end(body);
    };
    const health = (check: () => Promise<HealthReport>) =>
      check().then(
        (report) =>
          answer(
            report.healthy ? 200 : 503,
            'application/json',
            JSON.stringify({ status: report.healthy ? 'ok' : 'unhealthy', ...report.details }),
          ),
        (error: unknown) =>
          answer(503, 'application/json', JSON.stringify({ status: 'unhealthy', error: String(error) })),
      );
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'text/plain', 'GET only\n');
    if (path === '/metrics') {
      options.metrics.scrape().then(
        (scrape) => answer(200, scrape.contentType, scrape.body),
        (error: unknown) => answer(500, 'text/plain', `metrics collection failed: ${String(error)}\n`),
      );
      return;
    }
    if (path === '/healthz') return void health(options.live);
    if (path === '/readyz') return void health(options.ready);
    answer(404, 'text/plain', `no route ${path}; try /metrics, /healthz, /readyz\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
