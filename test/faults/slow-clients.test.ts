import { loadConfig } from '@switchyard/core';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

const connections = 200;

/**
 * Fault: clients that send headers and part of a body, or part of the headers, and then stall.
 * Asserted: the API (its own process) closes every such connection with a 408 in the OpenAI error
 * shape once `api.requestTimeoutMs` / `api.headersTimeoutMs` pass, and answers `/healthz`
 * meanwhile. Before the timeouts existed, 200 such connections were still open after 125 s.
 */
describe('slow clients', () => {
  let api: RoleProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('fault-slow');
    config.api.requestTimeoutMs = 2_000;
    config.api.headersTimeoutMs = 1_000;
    const env = {
      REDIS_URL: await redisUrlForTests(),
      SWITCHYARD_CONFIG: writeConfigFile(config, 'fault-slow'),
      SWITCHYARD_SIMULATE: '1',
      LOG_LEVEL: 'warn',
    };
    api = startRole('api', ['api', '--port', '0'], env);
    const url = (await api.waitForLine(/listening on (http:\/\/\S+)/, 90_000))[1] ?? '';
    port = Number(new URL(url).port);
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
  });

  /** Opens a connection, writes `text`, and resolves with everything the server sent until it closed. */
  function stall(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(port, '127.0.0.1', () => socket.write(text));
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
    });
  }

  it('closes stalled uploads and stalled headers with a 408, and stays responsive', async () => {
    const partialBody =
      'POST /v1/requests HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n' +
      '{"messages":[';
    const partialHeaders = 'POST /v1/batches HTTP/1.1\r\nhost: x\r\ncontent-type: appl';
    const stalled = Array.from({ length: connections }, (_, index) =>
      stall(index % 2 === 0 ? partialBody : partialHeaders),
    );
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);

    const answers = await Promise.all(stalled);
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string } };
      expect(body.error.code).toBe('request_timeout');
    }
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 60_000);
});
