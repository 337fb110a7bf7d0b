import { hashApiKey, loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { createKeyCheck } from '../auth/index.ts';

describe('admin pages', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('admin');
    config.admin.readOnly = true;
    // One admin key and one client key: with keys configured the API is not in open mode.
    config.auth.keys = [
      { id: 'ops', hash: hashApiKey('sk-admin-test'), role: 'admin' },
      { id: 'team-a', hash: hashApiKey('sk-client-test'), role: 'client' },
    ];
    const checkKey = createKeyCheck(config);
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({
      config,
      runtime,
      logger: createLogger({ name: 'admin-test', level: 'silent' }),
      adminPages: { checkKey, sessionSecret: 'test secret' },
    });
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  const login = (key: string) =>
    app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ key, next: '/admin/queues' }).toString(),
    });

  it('refuses every admin route without a key, and sends a browser to the login form', async () => {
    for (const url of ['/admin/queues', '/admin/queues/api/queues', '/dashboard', '/dashboard/data']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json().error.code).toBe('invalid_api_key');
    }
    const page = await app.inject({ method: 'GET', url: '/dashboard', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/admin/login?next=%2Fdashboard');
    const form = await app.inject({ method: 'GET', url: '/admin/login' });
    expect(form.body).toContain('type="password"');
  });

  it('answers 403 to a client key and 401 to an unknown one', async () => {
    const client = await app.inject({
      method: 'GET',
      url: '/dashboard/data',
      headers: { authorization: 'Bearer sk-client-test' },
    });
    expect(client.statusCode).toBe(403);
    expect((await login('sk-client-test')).statusCode).toBe(403);
    expect((await login('nope')).statusCode).toBe(401);
  });

  it('logs in with the admin key into a signed HttpOnly session that opens the board and the dashboard', async () => {
    const response = await login('sk-admin-test');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/admin/queues');
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict; Path=\//);
    expect(setCookie).not.toContain('sk-admin-test');
    const cookie = setCookie.split(';')[0] ?? '';

    const queues = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie } });
    expect(queues.statusCode).toBe(200);
    const board = queues.json<{ queues: { name: string; readOnlyMode: boolean }[] }>();
    expect(board.queues.map((queue) => queue.name).sort()).toEqual([
      'classify',
      'tier.complex',
      'tier.medium',
      'tier.simple',
    ]);
    expect(board.queues.every((queue) => queue.readOnlyMode)).toBe(true);

    const data = await app.inject({ method: 'GET', url: '/dashboard/data', headers: { cookie } });
    expect(data.json()).toMatchObject({ tiers: ['simple', 'medium', 'complex'] });
    const library = await app.inject({ method: 'GET', url: '/dashboard/assets/chart.umd.min.js', headers: { cookie } });
    expect(library.body).toContain('Chart');
    const tampered = cookie.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    expect(
      (await app.inject({ method: 'GET', url: '/dashboard/data', headers: { cookie: tampered } })).statusCode,
    ).toBe(401);
  });

  it('sends the login back only to admin pages', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/admin/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'key=sk-admin-test&next=https%3A%2F%2Felsewhere.example%2F',
    });
    expect(response.headers.location).toBe('/dashboard');
  });
});
