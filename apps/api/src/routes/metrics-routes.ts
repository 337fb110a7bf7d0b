import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';

/**
 * `GET /metrics`, Prometheus text format. Open like `/healthz` (no API key): Prometheus scrapes it
 * from inside the cluster, and no series carries a prompt, a key or an id.
 */
export function registerMetricsRoutes(app: FastifyInstance, context: ApiContext): void {
  // Scraped by Prometheus without an API key, like the health checks.
  app.get('/metrics', { config: { public: true } }, async (_request, reply) => {
    const scrape = await context.metrics.scrape();
    return reply.header('content-type', scrape.contentType).header('cache-control', 'no-store').send(scrape.body);
  });
}
