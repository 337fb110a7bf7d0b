import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { groupLedger, readLedger } from '@switchyard/queue';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';
import { type AdminAccess, requireAdminSession } from './admin-access.ts';
import { deploymentBreakerStates } from './breaker-states.ts';
import { dashboardPage } from './dashboard-page.ts';

/** Chart.js's own browser build, read once from the installed package: the page needs no internet. */
function chartLibrary(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

/**
 * `/dashboard` behind the admin session: the page, the Chart.js it draws with, and
 * `/dashboard/data`, which the page polls every few seconds. Everything is read from Redis, so
 * it covers every process: today's cost ledger per tier (requests, escalations, cache hits, cost,
 * baseline; the figures of `GET /v1/stats`), each queue's depth and oldest wait, and each
 * endpoint's breaker as the executors stored it (per executor in Prometheus,
 * `switchyard_breaker_state`).
 */
export function registerDashboard(app: FastifyInstance, context: ApiContext, access: AdminAccess): void {
  let library: string | undefined;
  const endpoints = Object.keys(context.config.providers);
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
      const now = new Date();
      // UTC, like the ledger's days.
      const day = now.toISOString().slice(0, 10);
      const [cells, queues, breakers] = await Promise.all([
        readLedger(context.runtime.redis, context.runtime.keys, [day]),
        context.metrics.queues(),
        deploymentBreakerStates(context.runtime, endpoints, context.metrics.breakerStates()),
      ]);
      const { total, groups } = groupLedger(cells, 'tier');
      return reply.header('cache-control', 'no-store').send({
        at: now.toISOString(),
        day,
        tiers: context.ladder.names,
        total,
        byTier: groups,
        queues,
        breakers,
      });
    });
  });
}
