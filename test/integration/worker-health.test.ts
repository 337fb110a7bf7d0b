import { loadConfig } from '@switchyard/core';
import { createMetricsRegistry, createLogger, startMetricsServer, SwitchyardMetrics } from '@switchyard/observability';
import { createQueueRuntime, startHopWorker, type QueueRuntime } from '@switchyard/queue';
import { startRedisServer, uniquePrefix, type RedisServerProcess } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ name: 'worker-health-test', level: 'silent' });

/** Polls a health endpoint until it answers `status`: the worker's state changes asynchronously. */
async function untilStatus(url: string, status: number): Promise<{ status: string; workers?: unknown }> {
  for (;;) {
    const response = await fetch(url);
    const body = (await response.json()) as { status: string };
    if (response.status === status) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('worker health and metrics port', () => {
  let redis: RedisServerProcess;
  let runtime: QueueRuntime;

  beforeAll(async () => {
    redis = await startRedisServer();
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('worker-health');
    runtime = createQueueRuntime(config, redis.url, 'worker');
  });

  afterAll(async () => {
    await runtime.close();
    await redis.stop();
  });

  it('is live while the worker takes jobs; fails once it is paused, when Redis is away, and after close', async () => {
    const metrics = new SwitchyardMetrics(createMetricsRegistry({ role: 'test' }));
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const hopWorker = startHopWorker(
      'classify',
      async () => {
        started();
        await held;
        return 'done';
      },
      { runtime, concurrency: 2, lockDurationMs: 5_000, logger, connectionName: 'switchyard-test-health', metrics },
    );
    const server = await startMetricsServer({
      metrics,
      port: 0,
      host: '127.0.0.1',
      live: () => hopWorker.health.live(),
      ready: () => hopWorker.health.ready(),
    });
    try {
      await hopWorker.worker.waitUntilReady();
      expect(await untilStatus(`${server.url}/healthz`, 200)).toMatchObject({ status: 'ok' });
      expect(await untilStatus(`${server.url}/readyz`, 200)).toMatchObject({ status: 'ok', redis: 'ready' });

      await runtime.queues.classify.add('classify', { requestId: 'req_abc' }, { jobId: 'health-1' });
      await running;
      const scrape = await (await fetch(`${server.url}/metrics`)).text();
      expect(scrape).toMatch(/^switchyard_worker_active_jobs\{queue="classify",role="test"\} 1$/m);
      release();

      // Paused: the process is up, but it takes no jobs.
      await hopWorker.worker.pause(true);
      expect(await untilStatus(`${server.url}/healthz`, 503)).toMatchObject({ status: 'unhealthy' });
      hopWorker.worker.resume();
      await untilStatus(`${server.url}/healthz`, 200);

      // Redis away: not ready; back: ready again, and the worker takes a new job.
      await redis.stop();
      expect(await untilStatus(`${server.url}/readyz`, 503)).toMatchObject({ status: 'unhealthy' });
      await redis.restart();
      await untilStatus(`${server.url}/readyz`, 200);
      const job = await runtime.queues.classify.add('classify', { requestId: 'req_abd' }, { jobId: 'health-2' });
      for (;;) {
        if ((await job.getState()) === 'completed') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await untilStatus(`${server.url}/healthz`, 200);

      await hopWorker.close();
      expect(await untilStatus(`${server.url}/healthz`, 503)).toMatchObject({ status: 'unhealthy' });
      expect((await fetch(`${server.url}/nowhere`)).status).toBe(404);
    } finally {
      release();
      await hopWorker.close();
      await server.close();
    }
  }, 60_000);
});
