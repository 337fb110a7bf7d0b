import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';
import { type AdminAccess, requireAdminSession } from './admin-access.ts';
import { dashboardPage } from './dashboard-page.ts';

/** Chart.js's own browser build, read once from the installed package: the page needs no internet. */
function chartLibrary(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

/**
 * `/dashboard` behind the admin session: the page, the Chart.js it draws with, and
 * `/dashboard/data`, which the page polls every few seconds: queue depth and wait read from
 * Redis (every process's work), and the counters of this API process's registry (requests,
 * escalations, cost, baseline, breakers), complete when the process runs the workers too
 * (`switchyard start`); a split deployment's totals are in Prometheus (`infra/grafana`).
 */
export function registerDashboard(app: FastifyInstance, context: ApiContext, access: AdminAccess): void {
  let library: string | undefined;
  app.register(async (scope) => {
    requireAdminSession(scope, access);
    scope.get('/dashboard', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(dashboardPage()),
    );
    scope.get('/dashboard/assets/chart.umd.min.js', async (_request, reply) => {
      library ??= chartLibrary();
      return reply.type('text/javascript; charset=utf-8').header('cache-control', 'max-age=86400').send(library);
    });
    scope.get('/dashboard/data', async (_request, reply) => {
      const [totals, queues] = await Promise.all([context.metrics.totals(), context.metrics.queues()]);
      return reply.header('cache-control', 'no-store').send({
        at: new Date().toISOString(),
        tiers: context.ladder.names,
        queues,
        ...totals,
      });
    });
  });
}
