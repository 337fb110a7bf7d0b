import { hashApiKey, loadConfig } from '@switchyard/core';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

const adminKey = 'sk-admin-served-pages-test';
const clientKey = 'sk-client-served-pages-test';

/** `switchyard api` as its own process serves the admin pages, behind the admin key. */
describe('the admin pages of a running API process', () => {
  let api: RoleProcess | undefined;
  let apiUrl = '';

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('admin-served');
    config.auth.keys = [
      { id: 'ops', hash: hashApiKey(adminKey), role: 'admin' },
      { id: 'team', hash: hashApiKey(clientKey), role: 'client' },
    ];
    const env = {
      REDIS_URL: await redisUrlForTests(),
      SWITCHYARD_CONFIG: writeConfigFile(config, 'admin-served'),
      LOG_LEVEL: 'warn',
    };
    api = startRole('api', ['api', '--port', '0'], env);
    apiUrl = (await api.waitForLine(/listening on (http:\/\/\S+)/))[1] ?? '';
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('sends a browser without a session to the login, and refuses a client key', async () => {
    const page = await fetch(`${apiUrl}/admin/queues`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toContain('/admin/login');
    const dashboard = await fetch(`${apiUrl}/dashboard`, { headers: { authorization: `Bearer ${clientKey}` } });
    expect(dashboard.status).toBe(403);
  });

  it('lists every queue on the board after an admin login', async () => {
    const login = await fetch(`${apiUrl}/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: adminKey, next: '/admin/queues' }).toString(),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const board = await fetch(`${apiUrl}/admin/queues/api/queues`, { headers: { cookie } });
    expect(board.status).toBe(200);
    const names = ((await board.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name);
    expect(names.sort()).toEqual(['classify', 'tier.complex', 'tier.medium', 'tier.simple']);
  });
});
