import { hashApiKey, loadConfig, type FinalAnswer } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { multipartBody, redisUrlForTests, routedDecision, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

const logger = createLogger({ name: 'openai-batch-test', level: 'silent' });
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

const final: FinalAnswer = {
  answer: 'an answer',
  tier: 'simple',
  deployment: { provider: 'simulated', model: 'small' },
  hop: 0,
  qualityScore: 1,
  simulated: true,
  finishReason: 'stop',
};

/** One line of a batch input file. */
const batchLine = (customId: string, content = `question ${customId}`, change: object = {}) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'auto', messages: [{ role: 'user', content }] },
    ...change,
  });

describe('OpenAI batches from files', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;

  async function upload(content: string, secret = 'sy-a'): Promise<string> {
    const { payload, contentType } = await multipartBody({ purpose: 'batch', file: { content, filename: 'b.jsonl' } });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/files',
      headers: { ...bearer(secret), 'content-type': contentType },
      payload,
    });
    expect(response.statusCode).toBe(200);
    return response.json().id as string;
  }
  const create = (fileId: string, secret = 'sy-a', extra: object = {}, headers: object = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { ...bearer(secret), ...headers },
      payload: { input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h', ...extra },
    });
  const get = (url: string, secret = 'sy-a') => app.inject({ method: 'GET', url, headers: bearer(secret) });
  const cancel = (id: string, secret = 'sy-a') =>
    app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: bearer(secret) });
  const batchKeys = () => runtime.redis.keys(`${runtime.keys.prefix}:batch:*`);

  async function recordsOf(batchId: string) {
    const records = [];
    for await (const record of runtime.store.batchRecords(batchId)) records.push(record);
    return records;
  }
  async function complete(requestId: string): Promise<void> {
    await runtime.store.setDecision(requestId, routedDecision('simple', 'general'));
    await runtime.store.complete(requestId, final);
  }

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('openai-batch');
    config.queue.retentionSeconds = 600;
    config.api.maxMessages = 3;
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

  it('submits every line as a request and, once they finish, serves the output and error files', async () => {
    const fileId = await upload(`${['a', 'b', 'c'].map((id) => batchLine(id)).join('\n')}\n`);
    const created = await create(fileId, 'sy-a', { metadata: { job: 'nightly' } });
    expect(created.statusCode).toBe(200);
    const batch = created.json();
    expect(batch).toMatchObject({
      object: 'batch',
      endpoint: '/v1/chat/completions',
      input_file_id: fileId,
      completion_window: '24h',
      status: 'in_progress',
      request_counts: { total: 3, completed: 0, failed: 0 },
      output_file_id: null,
      error_file_id: null,
      metadata: { job: 'nightly' },
    });
    expect(batch.id).toMatch(/^batch_/);
    expect(batch.in_progress_at).toBe(batch.created_at);

    const [first, second, third] = await recordsOf(batch.id);
    expect([first, second, third].map((record) => record?.customId)).toEqual(['a', 'b', 'c']);
    expect(first?.request.messages).toEqual([{ role: 'user', content: 'question a' }]);
    expect(first?.keyId).toBe('team-a');
    await complete(first?.id ?? '');
    await complete(second?.id ?? '');
    expect((await get(`/v1/batches/${batch.id}`)).json()).toMatchObject({
      status: 'in_progress',
      request_counts: { total: 3, completed: 2, failed: 0 },
    });
    await runtime.store.fail(third?.id ?? '', { code: 'tier_failed', message: 'every deployment failed' });

    const done = (await get(`/v1/batches/${batch.id}`)).json();
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 2, failed: 1 } });
    expect(done.completed_at).toBeGreaterThanOrEqual(batch.created_at);
    expect(done.output_file_id).toMatch(/^file-/);
    expect(done.error_file_id).toMatch(/^file-/);

    const output = await get(`/v1/files/${done.output_file_id}/content`);
    const lines = output.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.custom_id)).toEqual(['a', 'b']);
    expect(lines[0]).toMatchObject({
      id: first?.id,
      response: { status_code: 200, request_id: first?.id, body: { object: 'chat.completion', id: first?.id } },
      error: null,
      switchyard: { tier: 'simple', deployment: 'simulated/small', escalations: 0 },
    });
    expect(lines[0].response.body.choices[0].message.content).toBe('an answer');
    const described = (await get(`/v1/files/${done.output_file_id}`)).json();
    expect(described).toMatchObject({ object: 'file', purpose: 'batch_output', bytes: Buffer.byteLength(output.body) });

    const errors = (await get(`/v1/files/${done.error_file_id}/content`)).body.trim().split('\n');
    expect(errors.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        custom_id: 'c',
        response: null,
        error: { code: 'tier_failed', message: 'every deployment failed' },
      }),
    ]);
    // Another key reads neither the batch nor its files.
    for (const url of [`/v1/batches/${batch.id}`, `/v1/files/${done.output_file_id}`]) {
      expect((await get(url, 'sy-b')).statusCode, url).toBe(404);
    }
    expect((await cancel(batch.id)).json().error.code).toBe('batch_not_cancellable');
  });

  it('refuses a file with a bad line, naming the line and the reason, and writes nothing', async () => {
    const good = Array.from({ length: 9 }, (_, index) => batchLine(`r${index + 1}`));
    const cases = [
      { line: 7, text: '{"custom_id": "r7", "method": "POST",', code: 'invalid_batch_file', says: 'not valid JSON' },
      { line: 7, text: batchLine('r7', 'hi', { url: '/v1/embeddings' }), code: 'invalid_batch_file', says: 'url:' },
      { line: 7, text: batchLine('r7', 'hi', { method: 'GET' }), code: 'invalid_batch_file', says: 'method:' },
      { line: 7, text: batchLine('r3'), code: 'duplicate_custom_id', says: 'already used on line 3' },
      { line: 7, text: batchLine('r7', ''), code: 'invalid_batch_file', says: 'body.messages[0].content' },
      {
        line: 7,
        text: batchLine('r7', 'hi', {
          body: { model: 'auto', messages: Array(4).fill({ role: 'user', content: 'x' }) },
        }),
        code: 'request_too_large',
        says: 'at most 3',
      },
      {
        line: 7,
        text: batchLine('r7', 'hi', { body: { model: 'gpt-0', messages: [{ role: 'user', content: 'x' }] } }),
        code: 'invalid_batch_file',
        says: 'gpt-0',
      },
    ];
    const before = await batchKeys();
    for (const { line, text, code, says } of cases) {
      const lines = [...good];
      lines[line - 1] = text;
      const response = await create(await upload(lines.join('\n')));
      expect(response.statusCode, says).toBe(code === 'request_too_large' ? 413 : 400);
      const { error } = response.json();
      expect(error.code, says).toBe(code);
      expect(error.line).toBe(line);
      expect(error.message).toMatch(new RegExp(`^line ${line}: `));
      expect(error.message).toContain(says);
    }
    expect(await batchKeys()).toEqual(before);
  });

  it('refuses a create body it cannot use, and a file it may not read', async () => {
    const fileId = await upload(batchLine('x'));
    const endpoint = await create(fileId, 'sy-a', { endpoint: '/v1/embeddings' });
    expect(endpoint.json().error).toMatchObject({ code: 'invalid_body', param: 'endpoint' });
    const window = await create(fileId, 'sy-a', { completion_window: '1h' });
    expect(window.json().error).toMatchObject({ code: 'invalid_body', param: 'completion_window' });
    const other = await create(fileId, 'sy-b');
    expect(other.statusCode).toBe(404);
    expect(other.json().error.message).toContain(fileId);
  });

  it('cancels the requests not yet running and keeps what finished or was running', async () => {
    const fileId = await upload(['done', 'running', 'waiting'].map((id) => batchLine(id)).join('\n'));
    const { id } = (await create(fileId)).json();
    const [done, running, waiting] = await recordsOf(id);
    await complete(done?.id ?? '');
    await runtime.store.setDecision(running?.id ?? '', routedDecision('simple', 'general'));
    await runtime.store.markRunning(running?.id ?? '');

    const cancelling = await cancel(id);
    expect(cancelling.statusCode).toBe(200);
    expect(cancelling.json()).toMatchObject({
      status: 'cancelling',
      request_counts: { total: 3, completed: 1, failed: 1 },
      cancelled_at: null,
    });
    expect(cancelling.json().cancelling_at).toBeGreaterThan(0);
    expect((await runtime.store.get(waiting?.id ?? ''))?.error?.code).toBe('batch_cancelled');
    expect(await runtime.store.getStatus(running?.id ?? '')).toBe('running');

    // The running request finishes: its answer is kept and the batch is cancelled.
    await runtime.store.complete(running?.id ?? '', final);
    const cancelled = (await get(`/v1/batches/${id}`)).json();
    expect(cancelled).toMatchObject({ status: 'cancelled', request_counts: { completed: 2, failed: 1 } });
    expect(cancelled.cancelled_at).toBeGreaterThanOrEqual(cancelled.cancelling_at);
    expect(cancelled.completed_at).toBeNull();
    const output = (await get(`/v1/files/${cancelled.output_file_id}/content`)).body;
    expect(
      output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).custom_id),
    ).toEqual(['done', 'running']);
    const errors = (await get(`/v1/files/${cancelled.error_file_id}/content`)).body;
    expect(JSON.parse(errors)).toMatchObject({ custom_id: 'waiting', error: { code: 'batch_cancelled' } });
    expect((await cancel(id)).json().status).toBe('cancelled');
    expect((await cancel(id, 'sy-b')).statusCode).toBe(404);
  });

  it("lists the key's own batches newest first, a page at a time", async () => {
    const fileId = await upload(batchLine('only', 'listing', {}), 'sy-b');
    const ids: string[] = [];
    for (let count = 0; count < 3; count += 1) ids.unshift((await create(fileId, 'sy-b')).json().id);
    const first = (await get('/v1/batches?limit=2', 'sy-b')).json();
    expect(first).toMatchObject({ object: 'list', has_more: true, first_id: ids[0], last_id: ids[1] });
    expect(first.data.map((batch: { id: string }) => batch.id)).toEqual(ids.slice(0, 2));
    const next = (await get(`/v1/batches?limit=2&after=${first.last_id}`, 'sy-b')).json();
    expect(next).toMatchObject({ has_more: false, first_id: ids[2], last_id: ids[2] });
    const mine = (await get('/v1/batches?limit=100')).json().data.map((batch: { id: string }) => batch.id);
    expect(mine.some((id: string) => ids.includes(id))).toBe(false);
    expect((await get('/v1/batches?limit=0', 'sy-b')).json().error.param).toBe('limit');
    expect((await get('/v1/batches?after=batch_nope', 'sy-b')).statusCode).toBe(404);
  });

  it('makes a resubmitted file a new batch, unless an Idempotency-Key repeats', async () => {
    const fileId = await upload(batchLine('same'));
    const [one, two] = [(await create(fileId)).json().id, (await create(fileId)).json().id];
    expect(one).not.toBe(two);
    const keyed = await create(fileId, 'sy-a', {}, { 'idempotency-key': 'nightly-1' });
    const repeated = await create(fileId, 'sy-a', {}, { 'idempotency-key': 'nightly-1' });
    expect(repeated.json().id).toBe(keyed.json().id);
    expect(repeated.json().object).toBe('batch');
  });

  it('leaves the JSON batches as they were', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: bearer('sy-a'),
      payload: [{ messages: [{ role: 'user', content: 'hello' }], custom_id: 'j' }],
    });
    expect(created.statusCode).toBe(202);
    expect(created.json()).toMatchObject({ object: 'switchyard.batch', total: 1 });
    const { id } = created.json();
    expect((await get(`/v1/batches/${id}`)).json()).toMatchObject({
      object: 'switchyard.batch',
      status: 'in_progress',
    });
    expect((await cancel(id)).statusCode).toBe(404);
    const listed = (await get('/v1/batches?limit=100')).json().data.map((batch: { id: string }) => batch.id);
    expect(listed).not.toContain(id);
  });
});
