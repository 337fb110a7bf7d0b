import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandHelp } from './command-help.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../bin/switchyard.mjs', import.meta.url));

async function switchyard(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', SWITCHYARD_API_KEY: '', ...env },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

// A stand-in API that records what the CLI sends and answers 401 unless the key is `sk-right`.
const seen: IncomingHttpHeaders[] = [];
const server = createServer((request, response) => {
  seen.push(request.headers);
  response.setHeader('content-type', 'application/json');
  if (request.headers.authorization !== 'Bearer sk-right') {
    response.statusCode = 401;
    response.end(JSON.stringify({ error: { message: 'missing or unknown API key', code: 'invalid_api_key' } }));
    return;
  }
  const counts = { queued: 0, routed: 0, running: 0, completed: 2, failed: 0 };
  response.end(JSON.stringify({ id: 'b1', status: 'completed', total: 2, counts }));
});
let api = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('client commands against the API', () => {
  it('send --api-key, or SWITCHYARD_API_KEY, as a bearer token', async () => {
    const flag = await switchyard({}, 'status', 'b1', '--api', api, '--api-key', 'sk-right', '--json');
    expect(flag.code).toBe(0);
    expect(JSON.parse(flag.stdout)).toMatchObject({ id: 'b1', status: 'completed' });
    const fromEnv = await switchyard({ SWITCHYARD_API_KEY: 'sk-right' }, 'status', 'b1', '--api', `${api}/`);
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toContain('b1: completed, 2/2 done');
    expect(seen.at(-1)?.authorization).toBe('Bearer sk-right');
  });

  it('say how to send a key when the API answers 401', async () => {
    const result = await switchyard({}, 'status', 'b1', '--api', api);
    expect(result.code).toBe(1);
    expect(seen.at(-1)?.authorization).toBeUndefined();
    expect(result.stderr).toContain(`GET ${api}/v1/batches/b1: HTTP 401 invalid_api_key: missing or unknown API key`);
    expect(result.stderr).toContain('--api-key');
  });

  it('name the URL it tried when nothing answers there', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await switchyard({}, 'report', '--api', `http://127.0.0.1:${port}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach the Switchyard API at http://127.0.0.1:${port}/v1/stats`);
    expect(result.stderr).toContain('ECONNREFUSED');
  });
});

describe('help', () => {
  it('gives every command its own options', async () => {
    for (const command of ['submit', 'eval', 'executor']) {
      const result = await switchyard({}, command, '--help');
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe((commandHelp[command] ?? '').trim());
    }
    expect((await switchyard({}, 'help', 'report')).stdout).toContain('--by tier|deployment|route|key|day');
    expect((await switchyard({}, 'submit', '--help')).stdout).toContain('--api-key KEY');
  });

  it('refuses help for a command that does not exist', async () => {
    const result = await switchyard({}, 'help', 'sumbit');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown command "sumbit"');
  });

  it('lists every command the CLI dispatches', () => {
    const main = readFileSync(new URL('./main.ts', import.meta.url), 'utf8');
    const dispatched = [...main.matchAll(/^ {4}case '([a-z]+)':/gm)].map((match) => match[1]);
    expect(dispatched.length).toBeGreaterThan(10);
    expect(Object.keys(commandHelp).sort()).toEqual([...dispatched].sort());
  });
});
