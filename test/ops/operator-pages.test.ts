import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, createKeyCheck } from '@switchyard/api';
import { startClassifierWorker } from '@switchyard/classifier';
import { createClassifierChain } from '@switchyard/classifiers';
import { hashApiKey, loadConfig, tierQueueName, type SwitchyardConfig } from '@switchyard/core';
import { createExecutorBreakers, startExecutor, type RunningExecutor } from '@switchyard/executor';
import {
  createLogger,
  createMetricsRegistry,
  startMetricsServer,
  SwitchyardMetrics,
  type MetricsServer,
} from '@switchyard/observability';
import { createProviderRegistry } from '@switchyard/providers';
import { createQueueRuntime, KeySpace, snapshotQueues, waitForRedis, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../support/processes.ts';
import { chromiumPath, launchOptions } from './chromium.ts';
import { grafanaMetricNames, scaledObjects, scrapedSeriesNames, workloads } from './infra-files.ts';

const logger = createLogger({ name: 'operator-pages-test', level: 'silent' });
const adminKey = 'sk-admin-operator-test';
/** Where the screenshots go (git-ignored): the artefacts a reviewer looks at. */
const outputDir = join(repositoryRoot, 'test/ops/output');

/** The browser globals the page checks read (the tests compile without the DOM library). */
interface PageGlobals {
  document: {
    body: { dataset: Record<string, string | undefined> };
    querySelectorAll(selector: string): ArrayLike<{ width: number; height: number }>;
  };
  Chart: { getChart(id: string): { data: unknown } | undefined };
}

const batch = (config: SwitchyardConfig) =>
  config.tiers.flatMap((tier) =>
    [1, 2, 3].map((n) => ({
      messages: [{ role: 'user', content: `Operator check ${n} for ${tier.name}: name three prime numbers.` }],
      force_tier: tier.name,
    })),
  );

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('what operators see: Bull Board, the dashboard, metrics and the deploy files', () => {
  let config: SwitchyardConfig;
  let apiRuntime: QueueRuntime;
  let workerRuntime: QueueRuntime;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let apiUrl: string;
  let metrics: SwitchyardMetrics;
  let workerPort: MetricsServer | undefined;
  const closers: (() => Promise<void>)[] = [];
  let browser: Browser | undefined;
  let batchId = '';
  const waitingKeysBeforeExecutors = new Map<string, number>();

  beforeAll(async () => {
    config = loadConfig();
    config.queue.prefix = uniquePrefix('operator');
    config.queue.retentionSeconds = 600;
    config.simulation.latencyMs = { min: 1, max: 5 };
    // Every simple answer is weak and goes up to medium; the others are fine: 3 escalations.
    config.simulation.weakAnswerRate = { simple: 1, medium: 0, complex: 0 };
    // With a key configured the API is not in open mode: the pages ask for it.
    config.auth.keys = [{ id: 'ops', hash: hashApiKey(adminKey), role: 'admin' }];
    const redisUrl = await redisUrlForTests();
    apiRuntime = createQueueRuntime(config, redisUrl, 'producer');
    workerRuntime = createQueueRuntime(config, redisUrl, 'worker');
    await waitForRedis(apiRuntime.redis, 10_000);
    // One registry for the process, as `switchyard start` has: the dashboard sees every counter.
    metrics = new SwitchyardMetrics(createMetricsRegistry({ role: 'test' }));
    app = await buildApp({
      config,
      runtime: apiRuntime,
      logger,
      metrics,
      adminPages: {
        checkKey: createKeyCheck(config),
        sessionSecret: 'operator test secret',
      },
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    apiUrl = new URL(address).origin;
    const classifier = startClassifierWorker({
      config,
      runtime: workerRuntime,
      chain: createClassifierChain(config),
      logger,
      metrics,
    });
    closers.push(() => classifier.close());

    // The batch is classified while no executor runs: every tier's wait list fills up.
    const submitted = await fetch(`${apiUrl}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify(batch(config)),
    });
    expect(submitted.status).toBe(202);
    batchId = ((await submitted.json()) as { id: string }).id;
    for (const tier of config.tiers) {
      const key = `${workerRuntime.keys.queuePrefix(tierQueueName(tier.name))}:${tierQueueName(tier.name)}:wait`;
      waitingKeysBeforeExecutors.set(
        tier.name,
        await until(
          () => workerRuntime.redis.llen(key),
          (length) => length === 3,
        ),
      );
    }

    const providers = createProviderRegistry(config, { env: {}, simulateAll: true });
    const breakers = createExecutorBreakers({ config, runtime: workerRuntime, logger, metrics });
    const executors: RunningExecutor[] = config.tiers.map((tier) =>
      startExecutor({ config, tier: tier.name, runtime: workerRuntime, providers, breakers, logger, metrics }),
    );
    await breakers.ready;
    for (const executor of executors) closers.push(() => executor.close());
    closers.push(() => breakers.close());
    metrics.watchQueues(() => snapshotQueues(workerRuntime.queues.all()));
    const health = [classifier.health, ...executors.map((executor) => executor.health)];
    const all = async (check: 'live' | 'ready') => {
      const reports = await Promise.all(health.map((worker) => worker[check]()));
      return { healthy: reports.every((report) => report.healthy), details: {} };
    };
    workerPort = await startMetricsServer({
      metrics,
      port: 0,
      host: '127.0.0.1',
      live: () => all('live'),
      ready: () => all('ready'),
    });
    await until(
      async () =>
        (
          (await (
            await fetch(`${apiUrl}/v1/batches/${batchId}`, { headers: { authorization: `Bearer ${adminKey}` } })
          ).json()) as { status: string }
        ).status,
      (status) => status === 'completed',
    );
    mkdirSync(outputDir, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await workerPort?.close();
    await app?.close();
    for (const close of closers) await close();
    await apiRuntime?.close();
    await workerRuntime?.close();
  });

  it('names in each ScaledObject the wait list the code writes, and that list held the tier’s jobs', () => {
    const objects = scaledObjects();
    expect(objects.map((object) => object.target).sort()).toEqual(
      config.tiers.map((tier) => `executor-${tier.name}`).sort(),
    );
    const production = new KeySpace('switchyard');
    for (const object of objects) {
      const queue = tierQueueName(object.tier);
      expect(object.listName).toBe(`${production.queuePrefix(queue)}:${queue}:wait`);
      expect(waitingKeysBeforeExecutors.get(object.tier), object.listName).toBe(3);
    }
  });

  it('exports every metric the Grafana dashboard queries, with live values after the batch', async () => {
    const apiScrape = await (await fetch(`${apiUrl}/metrics`)).text();
    const workerScrape = await (await fetch(`${workerPort?.url}/metrics`)).text();
    const exported = new Set([...scrapedSeriesNames(apiScrape), ...scrapedSeriesNames(workerScrape)]);
    const used = grafanaMetricNames();
    expect(used.length).toBeGreaterThanOrEqual(10);
    for (const name of used) expect(exported, `Grafana queries ${name}`).toContain(name);
    const answered = [...apiScrape.matchAll(/^switchyard_requests_total\{[^}]*\} (\d+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
    expect(answered).toBe(batch(config).length);
    expect(apiScrape).toMatch(/^switchyard_escalations_total\{from_tier="simple",to_tier="medium",role="test"\} 3$/m);
    expect(apiScrape).toMatch(/^switchyard_cost_usd_total\{[^}]*\} [0-9.e-]+$/m);
    expect(apiScrape).not.toMatch(/req_[a-z2-7]{6,}|sk-/);
  });

  it('points every probe at a path the process serves', async () => {
    for (const workload of workloads()) {
      for (const probe of workload.probes) {
        const base = probe.port === 'http' ? apiUrl : workerPort?.url;
        expect(probe.containerPort, `${workload.name} ${probe.port}`).toBe(
          probe.port === 'http' ? config.api.port : 9464,
        );
        const response = await fetch(`${base}${probe.path}`);
        expect(response.status, `${workload.name} ${probe.kind} ${probe.path}`).toBe(200);
      }
    }
  });

  it('refuses the board and the dashboard without the admin key, in a real browser', async () => {
    browser = await chromium.launch(launchOptions());
    const page = await browser.newPage();
    for (const path of ['/admin/queues', '/dashboard']) {
      await page.goto(`${apiUrl}${path}`);
      expect(new URL(page.url()).pathname).toBe('/admin/login');
    }
    const data = await page.evaluate(async () => (await fetch('/dashboard/data')).status);
    expect(data).toBe(401);
    const board = await page.evaluate(async () => (await fetch('/admin/queues/api/queues')).status);
    expect(board).toBe(401);
    await page.close();
  }, 60_000);

  it('lists every queue on Bull Board and draws the dashboard from live data once logged in', async () => {
    expect(chromiumPath).toBeDefined();
    browser ??= await chromium.launch(launchOptions());
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${apiUrl}/admin/login?next=/admin/queues`);
    await page.fill('#key', adminKey);
    await Promise.all([page.waitForURL('**/admin/queues**'), page.click('button[type=submit]')]);
    for (const queue of workerRuntime.queues.all())
      await page.getByText(queue.name, { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(outputDir, 'bull-board.png'), fullPage: true });

    await page.goto(`${apiUrl}/dashboard`);
    await page.waitForFunction(
      () => Number((globalThis as unknown as PageGlobals).document.body.dataset.polls ?? 0) >= 2,
      undefined,
      { timeout: 30_000 },
    );
    const drawn = await page.evaluate(() => {
      // Chart.js's browser build puts `Chart` on window.
      const page = globalThis as unknown as PageGlobals;
      const chart = (id: string) =>
        page.Chart.getChart(id)?.data as { labels: string[]; datasets: { label: string; data: number[] }[] };
      const last = (id: string) => chart(id).datasets.map((dataset) => [dataset.label, dataset.data.at(-1) ?? 0]);
      return {
        requests: Object.fromEntries(last('requests-chart')),
        cost: Object.fromEntries(last('cost-chart')),
        cache: Object.fromEntries(last('cache-chart')),
        queues: chart('queue-chart').labels,
        escalation: chart('escalation-chart').datasets[0]?.data,
        breakers: chart('breaker-chart').labels,
        canvases: Array.from(page.document.querySelectorAll('canvas')).map(
          (canvas) => canvas.width > 0 && canvas.height > 0,
        ),
      };
    });
    // The ledger's figures: 9 requests; every simple attempt escalated, none of the others.
    expect(Object.values(drawn.requests).reduce((total: number, count) => total + Number(count), 0)).toBe(9);
    expect(drawn.escalation).toEqual([100, 0, 0]);
    expect(drawn.cache).toMatchObject({ 'all requests': 9 });
    expect(drawn.cost.cost).toBeGreaterThan(0);
    expect(drawn.cost['all-premium baseline']).toBeGreaterThan(drawn.cost.cost ?? 0);
    expect([...drawn.queues].sort()).toEqual(
      workerRuntime.queues
        .all()
        .map((queue) => queue.name)
        .sort(),
    );
    expect(drawn.breakers.length).toBeGreaterThan(0);
    expect(drawn.canvases).toEqual([true, true, true, true, true, true, true]);
    await page.screenshot({ path: join(outputDir, 'dashboard.png'), fullPage: true });
    await page.close();
  }, 90_000);
});
