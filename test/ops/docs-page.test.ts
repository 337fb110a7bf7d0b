import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '@switchyard/api';
import { hashApiKey, loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../support/processes.ts';
import { launchOptions } from './chromium.ts';

/** Where the screenshot goes (git-ignored): the artefact a reviewer looks at. */
const outputDir = join(repositoryRoot, 'test/ops/output');

describe('/docs in a real browser', () => {
  let app: Awaited<ReturnType<typeof buildApp>>;
  let runtime: QueueRuntime;
  let browser: Browser | undefined;
  let apiUrl = '';

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('docs-page');
    // With a key configured, the page and the document must still open without one.
    config.auth.keys = [{ id: 'team-a', hash: hashApiKey('sk-docs-page-test'), role: 'client' }];
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger: createLogger({ name: 'docs-page-test', level: 'silent' }) });
    apiUrl = new URL(await app.listen({ host: '127.0.0.1', port: 0 })).origin;
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await runtime?.close();
  });

  it('shows every operation, loading nothing from anywhere but the API', async () => {
    browser = await chromium.launch(launchOptions());
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const elsewhere: string[] = [];
    // Anything not from the API is refused and noted: the page must work with no internet.
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith(`${apiUrl}/`) || url.startsWith('data:')) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    await page.goto(`${apiUrl}/docs`);
    await page.getByText('/v1/chat/completions', { exact: true }).first().waitFor({ timeout: 30_000 });
    const document = (await (await fetch(`${apiUrl}/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.values(document.paths).reduce((count, item) => count + Object.keys(item).length, 0);
    expect(await page.locator('.opblock').count()).toBe(operations);
    // The body schema zod wrote is what the page shows under "Schemas".
    await page.getByText('ChatCompletionRequest', { exact: true }).first().waitFor();
    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, 'docs.png'), fullPage: true });
    expect(elsewhere).toEqual([]);
    await page.close();
  });
});
