import { Validator } from '@seriousme/openapi-schema-validator';
import { hashApiKey, loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.ts';
import { createKeyCheck } from '../auth/index.ts';
import { docsPath } from './docs-routes.ts';
import { type OpenApiDocument, openApiPath } from './openapi-document.ts';
import { routeDocs } from './route-docs.ts';

// Every route the app registers, as Fastify's onRoute hook sees it: the app's Fastify instance is
// the real one, with the hook added as it is created (before any route).
const registered = vi.hoisted(() => [] as { method: string; url: string }[]);
vi.mock('fastify', async (importOriginal) => {
  const fastify = await importOriginal<typeof import('fastify')>();
  const create = ((options: Parameters<typeof fastify.default>[0]) => {
    const app = fastify.default(options);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push({ method, url: route.url });
    });
    return app;
  }) as typeof fastify.default;
  return { ...fastify, default: create };
});

/**
 * Left out of the document on purpose: HEAD (Fastify adds one to every GET), the admin pages
 * (HTML behind their own login, and Bull Board's internal calls) and the page's own assets.
 */
const undocumented = (route: { method: string; url: string }) =>
  route.method === 'HEAD' || /^\/(admin|dashboard)(\/|$)/.test(route.url) || route.url.startsWith(`${docsPath}/`);

describe('the OpenAPI document and /docs', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;
  const maxBatchSize = 123;

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('docs');
    config.api.maxBatchSize = maxBatchSize;
    // With keys configured, every route not marked public needs one.
    config.auth.keys = [{ id: 'team-a', hash: hashApiKey('sk-docs-test'), role: 'client' }];
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({
      config,
      runtime,
      logger: createLogger({ name: 'docs-test', level: 'silent' }),
      adminPages: { checkKey: createKeyCheck(config), sessionSecret: 'docs test secret' },
    });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  const document = async (): Promise<OpenApiDocument> => {
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      JSON.parse((await app.inject({ method: 'GET', url: '/openapi.json' })).body),
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('lists every route the app registers, and no route it does not', async () => {
    const { paths } = await document();
    const served = registered
      .filter((route) => !undocumented(route))
      .map((route) => `${route.method} ${openApiPath({ url: route.url, wildcard: wildcardOf(route.url) })}`);
    const listed = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.length).toBeGreaterThan(10);
    expect(
      served.filter((route) => !listed.includes(route)),
      'served but not in the document (add them to route-docs.ts)',
    ).toEqual([]);
    expect(
      listed.filter((route) => !served.includes(route)),
      'in the document but not served',
    ).toEqual([]);
    // The exclusions hid something real: the admin pages and the page's assets are there.
    expect(registered.some((route) => route.url === '/admin/login')).toBe(true);
    expect(registered.some((route) => route.url.startsWith(`${docsPath}/static`))).toBe(true);
  });

  it("describes the chat completion body from the route's zod schema", async () => {
    const { paths, components } = await document();
    const body = paths['/v1/chat/completions']?.post?.requestBody as {
      content: Record<string, { schema: { $ref: string } }>;
    };
    expect(body.content['application/json']?.schema.$ref).toBe('#/components/schemas/ChatCompletionRequest');
    const schema = components.schemas.ChatCompletionRequest as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['messages', 'model', 'stream']));
    expect(schema.required).toEqual(expect.arrayContaining(['messages', 'model']));
    expect(JSON.stringify(schema.properties.stream)).toContain('"boolean"');
    expect(JSON.stringify(schema)).not.toContain('"$id"');
    const answer = paths['/v1/chat/completions']?.post?.responses['200'] as { content: Record<string, unknown> };
    expect(Object.keys(answer.content)).toEqual(['application/json', 'text/event-stream']);
    // The configuration's limits reach the document.
    expect(JSON.stringify(components.schemas.Batch)).toContain(`"maxItems":${maxBatchSize}`);
    const stats = paths['/v1/stats']?.get?.parameters as { name: string; in: string }[];
    expect(stats.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
      'query:from',
      'query:to',
      'query:group_by',
    ]);
  });

  it('marks the routes that need a key, and serves the document and the page without one', async () => {
    const { paths, security } = await document();
    expect(security).toEqual([{ bearerAuth: [] }]);
    expect(paths['/healthz']?.get?.security).toEqual([]);
    expect(paths['/v1/requests']?.post?.security).toBeUndefined();
    for (const url of ['/openapi.json', docsPath, `${docsPath}/json`]) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    const keyless = await app.inject({ method: 'GET', url: '/v1/models' });
    expect(keyless.statusCode).toBe(401);
    expect(keyless.json().error.code).toBe('invalid_api_key');
  });

  it('serves /docs as a page whose scripts and styles all come from the API itself', async () => {
    const page = await app.inject({ method: 'GET', url: docsPath });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const references = [...page.body.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? '');
    expect(references.length).toBeGreaterThanOrEqual(4);
    for (const reference of references) {
      expect(reference, reference).toMatch(/^\/(?!\/)/);
      expect((await app.inject({ method: 'GET', url: reference })).statusCode, reference).toBe(200);
    }
    const initializer = await app.inject({ method: 'GET', url: `${docsPath}/static/swagger-initializer.js` });
    expect(initializer.body).toContain('validatorUrl: null');
    expect(initializer.body).toContain("resolveUrl('./json')");
  });
});

function wildcardOf(url: string): string | undefined {
  return routeDocs.find((route) => route.url === url)?.wildcard;
}
