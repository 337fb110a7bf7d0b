import { hashApiKey, loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { multipartBody, redisUrlForTests, uniquePrefix, type FormPart } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'file-routes-test', level: 'silent' });
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe('files', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;
  const maxBytes = 4_096;
  const ttlSeconds = 3_600;

  async function upload(secret: string, fields: Record<string, FormPart>) {
    const { payload, contentType } = await multipartBody(fields);
    return app.inject({
      method: 'POST',
      url: '/v1/files',
      headers: { ...bearer(secret), 'content-type': contentType },
      payload,
    });
  }

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('files');
    config.api.filesMaxBytes = maxBytes;
    config.api.filesTtlSeconds = ttlSeconds;
    config.auth.keys = [
      { id: 'team-a', hash: hashApiKey('sy-a'), role: 'client' },
      { id: 'team-b', hash: hashApiKey('sy-b'), role: 'client' },
    ];
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('stores an upload and answers with OpenAI file objects and the same bytes', async () => {
    const content = '{"custom_id":"a"}\n{"custom_id":"é"}\n';
    const before = Math.floor(Date.now() / 1_000);
    const created = await upload('sy-a', { purpose: 'batch', file: { content, filename: 'requests.jsonl' } });
    expect(created.statusCode).toBe(200);
    const file = created.json();
    expect(file).toMatchObject({
      object: 'file',
      bytes: Buffer.byteLength(content),
      filename: 'requests.jsonl',
      purpose: 'batch',
      status: 'processed',
    });
    expect(file.id).toMatch(/^file-[a-z2-7]+$/);
    expect(file.created_at).toBeGreaterThanOrEqual(before);
    expect(file.expires_at).toBe(file.created_at + ttlSeconds);
    expect(await runtime.redis.ttl(runtime.keys.file(file.id))).toBeGreaterThan(ttlSeconds - 60);

    const read = await app.inject({ method: 'GET', url: `/v1/files/${file.id}`, headers: bearer('sy-a') });
    expect(read.json()).toEqual(file);
    const body = await app.inject({ method: 'GET', url: `/v1/files/${file.id}/content`, headers: bearer('sy-a') });
    expect(body.statusCode).toBe(200);
    expect(body.body).toBe(content);
  });

  it("answers another key's file as a 404, like a missing one", async () => {
    const created = await upload('sy-a', { purpose: 'batch', file: { content: 'x\n', filename: 'a.jsonl' } });
    const { id } = created.json();
    for (const url of [`/v1/files/${id}`, `/v1/files/${id}/content`, '/v1/files/file-nosuchfile']) {
      const response = await app.inject({ method: 'GET', url, headers: bearer('sy-b') });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error).toMatchObject({ code: 'not_found', type: 'not_found_error' });
    }
  });

  it('refuses a file over api.filesMaxBytes with a 413 in the OpenAI error shape, storing nothing', async () => {
    const before = await runtime.redis.keys(`${runtime.keys.prefix}:file:*`);
    const response = await upload('sy-a', {
      file: { content: 'x'.repeat(maxBytes + 1), filename: 'big.jsonl' },
      purpose: 'batch',
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({
      code: 'file_too_large',
      type: 'invalid_request_error',
      param: 'file',
    });
    expect(response.json().error.message).toContain(`${maxBytes} bytes`);
    expect(await runtime.redis.keys(`${runtime.keys.prefix}:file:*`)).toHaveLength(before.length);
    const atLimit = await upload('sy-a', {
      file: { content: 'x'.repeat(maxBytes), filename: 'a.jsonl' },
      purpose: 'batch',
    });
    expect(atLimit.statusCode).toBe(200);
  });

  it('names what is wrong with an upload', async () => {
    const file = { content: 'x\n', filename: 'a.jsonl' };
    const cases: { fields: Record<string, FormPart>; param: string; message: string }[] = [
      { fields: { file }, param: 'purpose', message: 'purpose: required' },
      { fields: { file, purpose: 'fine-tune' }, param: 'purpose', message: '"fine-tune" is not supported' },
      { fields: { purpose: 'batch' }, param: 'file', message: 'file: required' },
      { fields: { purpose: 'batch', file: { content: '', filename: 'a.jsonl' } }, param: 'file', message: 'empty' },
    ];
    for (const { fields, param, message } of cases) {
      const response = await upload('sy-a', fields);
      expect(response.statusCode, message).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_body', param });
      expect(response.json().error.message).toContain(message);
    }
    const json = await app.inject({
      method: 'POST',
      url: '/v1/files',
      headers: bearer('sy-a'),
      payload: { purpose: 'batch' },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.message).toContain('multipart/form-data');
  });
});
