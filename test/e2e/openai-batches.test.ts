import { hashApiKey, loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

/** Five processes starting at once on a shared machine can take a while. */
const startupMs = 90_000;
const filesMaxBytes = 256 * 1_024;
const keys = { a: 'sy-batches-a', b: 'sy-batches-b' };

function stackConfig(prefix: string): SwitchyardConfig {
  const config = loadConfig();
  config.queue.prefix = prefix;
  config.queue.retentionSeconds = 3_600;
  config.api.host = '127.0.0.1';
  config.api.filesMaxBytes = filesMaxBytes;
  config.simulation = { latencyMs: { min: 5, max: 40 }, weakAnswerRate: {}, failureRate: 0 };
  config.auth.keys = [
    { id: 'team-a', hash: hashApiKey(keys.a), role: 'client' },
    { id: 'team-b', hash: hashApiKey(keys.b), role: 'client' },
  ];
  return config;
}

/** One line of an output or error file. */
interface OutputLine {
  custom_id: string;
  response: { status_code: number; body: OpenAI.ChatCompletion } | null;
  error: { code: string; message: string } | null;
  switchyard: { tier: string | null };
}

const prompts = ['What is the capital of Peru?', 'Write a haiku about rivers.', 'Explain TCP in one line.'];
const line = (customId: string, content: string, change: object = {}) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'auto', messages: [{ role: 'user', content }], max_tokens: 200 },
    ...change,
  });
const batchFile = (ids: readonly string[]) =>
  ids.map((id, index) => line(id, prompts[index % prompts.length] ?? '')).join('\n');

/** Polls the batch (OpenAI's API has no push for it) until it reaches one of `statuses`. */
async function waitForStatus(client: OpenAI, id: string, statuses: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await client.batches.retrieve(id);
    if (statuses.includes(batch.status)) return batch;
    if (Date.now() > deadline) throw new Error(`batch ${id} is still ${batch.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('OpenAI batches through the official OpenAI client, across processes', () => {
  const roles: RoleProcess[] = [];
  let redisUrl = '';
  let url = '';
  let idleUrl = '';
  let idleEnv: Record<string, string> = {};
  let idle: QueueRuntime;
  const client = (base: string, apiKey = keys.a) => new OpenAI({ apiKey, baseURL: `${base}/v1`, maxRetries: 0 });
  const upload = async (openai: OpenAI, text: string) =>
    openai.files.create({ file: await toFile(Buffer.from(text), 'batch.jsonl'), purpose: 'batch' });

  beforeAll(async () => {
    redisUrl = await redisUrlForTests();
    const common = { REDIS_URL: redisUrl, SWITCHYARD_SIMULATE: '1', LOG_LEVEL: 'warn' };
    const env = { ...common, SWITCHYARD_CONFIG: writeConfigFile(stackConfig(uniquePrefix('batches')), 'batches') };
    // A second stack whose executor starts only once its batch is cancelled: its requests wait.
    const idleConfig = stackConfig(uniquePrefix('batches-idle'));
    idleEnv = { ...common, SWITCHYARD_CONFIG: writeConfigFile(idleConfig, 'batches-idle') };
    idle = createQueueRuntime(idleConfig, redisUrl, 'producer');

    const api = startRole('api', ['api', '--port', '0'], env);
    const idleApi = startRole('api-idle', ['api', '--port', '0'], idleEnv);
    const workers = [
      startRole('classifier', ['classifier'], env),
      startRole('executor', ['executor', '--tier', 'simple', '--tier', 'medium', '--tier', 'complex'], env),
      startRole('classifier-idle', ['classifier'], idleEnv),
    ];
    roles.push(api, idleApi, ...workers);
    const listening = /listening on (http:\/\/\S+)/;
    url = (await api.waitForLine(listening, startupMs))[1] ?? '';
    idleUrl = (await idleApi.waitForLine(listening, startupMs))[1] ?? '';
    await Promise.all(workers.map((role) => role.waitForLine(/running/, startupMs)));
  }, 4 * startupMs);

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
    await idle?.close();
  });

  it('runs an uploaded batch file to completion and answers every custom_id in the output file', async () => {
    const openai = client(url);
    const ids = Array.from({ length: 12 }, (_, index) => `req-${index + 1}`);
    const file = await upload(openai, batchFile(ids));
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'batch.jsonl' });
    expect(file.id).toMatch(/^file-/);
    expect(await openai.files.retrieve(file.id)).toEqual(file);
    expect(await (await openai.files.content(file.id)).text()).toBe(batchFile(ids));

    const created = await openai.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { run: 'e2e' },
    });
    expect(created).toMatchObject({ object: 'batch', input_file_id: file.id, metadata: { run: 'e2e' } });
    expect(created.request_counts?.total).toBe(ids.length);

    const done = await waitForStatus(openai, created.id, ['completed']);
    expect(done.request_counts).toEqual({ total: ids.length, completed: ids.length, failed: 0 });
    expect(done.error_file_id).toBeNull();
    const text = await (await openai.files.content(done.output_file_id ?? '')).text();
    const lines = text
      .trim()
      .split('\n')
      .map((entry) => JSON.parse(entry) as OutputLine);
    expect(lines.map((entry) => entry.custom_id).sort()).toEqual([...ids].sort());
    for (const entry of lines) {
      expect(entry.error).toBeNull();
      expect(entry.response?.status_code).toBe(200);
      const completion = entry.response?.body;
      expect(completion?.object).toBe('chat.completion');
      expect(completion?.choices[0]?.message.content).toEqual(expect.any(String));
      expect(['simple', 'medium', 'complex']).toContain(entry.switchyard.tier);
    }
    expect((await openai.files.retrieve(done.output_file_id ?? '')).bytes).toBe(Buffer.byteLength(text));

    const listed = await openai.batches.list({ limit: 10 });
    expect(listed.data.map((batch) => batch.id)).toContain(created.id);

    // Another key sees none of it.
    const other = client(url, keys.b);
    for (const call of [
      () => other.files.retrieve(file.id),
      () => other.files.content(done.output_file_id ?? ''),
      () => other.batches.retrieve(created.id),
      () => other.batches.cancel(created.id),
    ]) {
      await expect(call()).rejects.toMatchObject({ status: 404 });
    }
    expect((await other.batches.list()).data).toEqual([]);
    await expect(
      other.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('cancels a batch: its waiting requests never run, and the error file says why', async () => {
    const openai = client(idleUrl);
    const ids = ['wait-1', 'wait-2', 'wait-3', 'wait-4'];
    const file = await upload(openai, batchFile(ids));
    const created = await openai.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    const cancelled = await openai.batches.cancel(created.id);
    expect(['cancelling', 'cancelled']).toContain(cancelled.status);
    const settled = await waitForStatus(openai, created.id, ['cancelled']);
    expect(settled.request_counts).toEqual({ total: 4, completed: 0, failed: 4 });
    expect(settled.output_file_id).toBeNull();
    const errors = (await (await openai.files.content(settled.error_file_id ?? '')).text()).trim().split('\n');
    const parsed = errors.map((entry) => JSON.parse(entry) as OutputLine);
    expect(parsed.map((entry) => entry.custom_id)).toEqual(ids);
    for (const entry of parsed) expect(entry.error?.code).toBe('batch_cancelled');

    // An executor that starts now finds their jobs and leaves the cancelled requests alone.
    const executor = startRole(
      'executor-idle',
      ['executor', '--tier', 'simple', '--tier', 'medium', '--tier', 'complex'],
      idleEnv,
    );
    roles.push(executor);
    await executor.waitForLine(/running/, startupMs);
    const deadline = Date.now() + 30_000;
    const pending = async () => {
      const counts = await Promise.all(
        ['simple', 'medium', 'complex'].map((tier) => idle.queues.tier(tier).getJobCounts()),
      );
      return counts.reduce(
        (sum, count) =>
          sum + (count.waiting ?? 0) + (count.prioritized ?? 0) + (count.active ?? 0) + (count.delayed ?? 0),
        0,
      );
    };
    while ((await pending()) > 0) {
      if (Date.now() > deadline) throw new Error('the cancelled jobs were never taken off the tier queues');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for await (const record of idle.store.batchRecords(created.id)) {
      expect(record.status).toBe('failed');
      expect(record.attempts).toEqual([]);
    }
  });

  it('refuses a file whose line 7 is broken, saying "line 7"', async () => {
    const openai = client(url);
    const lines = batchFile(Array.from({ length: 9 }, (_, index) => `l${index + 1}`)).split('\n');
    lines[6] = line('l7', 'hello', { url: '/v1/embeddings' });
    const file = await upload(openai, lines.join('\n'));
    const failure = openai.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await expect(failure).rejects.toMatchObject({ status: 400, code: 'invalid_batch_file' });
    await expect(failure).rejects.toThrow(/line 7: url:/);
  });

  it('refuses a file over api.filesMaxBytes with a 413', async () => {
    const openai = client(url);
    const huge = `${line('big', 'x'.repeat(filesMaxBytes))}\n`;
    await expect(upload(openai, huge)).rejects.toMatchObject({ status: 413, code: 'file_too_large' });
  });
});
