import { loadConfig, tierQueueName, type SwitchyardConfig, type TierJob } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import {
  AnswerStreamWriter,
  createQueueRuntime,
  createRedis,
  createWorker,
  type AnswerInfo,
  type AnswerStreamEntry,
  type QueueRuntime,
} from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

/**
 * The relay's side of the answer stream: a scripted tier worker stands in for the executor and
 * writes exactly the entries a test needs (a provider call that breaks off, a failure), which a
 * real provider cannot be made to do on cue.
 */
const logger = createLogger({ name: 'chat-stream-test', level: 'silent' });

const info: AnswerInfo = {
  tier: 'complex',
  provider: 'simulated',
  model: 'sim-large',
  hop: 0,
  escalations: 0,
  finishReason: 'stop',
  usage: { inputTokens: 7, outputTokens: 3 },
  costUsd: 0.001,
  baselineCostUsd: 0.001,
  simulated: true,
};

type Script = (requestId: string, writer: AnswerStreamWriter, runtime: QueueRuntime) => Promise<void>;

const events = (body: string) =>
  body
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));

describe('streaming chat completions: the relay', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;
  let worker: ReturnType<typeof createWorker<TierJob, void>>;
  let config: SwitchyardConfig;
  const scripts = new Map<string, Script>();

  beforeAll(async () => {
    config = loadConfig();
    config.queue.prefix = uniquePrefix('chat-stream');
    config.queue.retentionSeconds = 600;
    config.api.syncTimeoutMs = 2_000;
    const redisUrl = await redisUrlForTests();
    runtime = createQueueRuntime(config, redisUrl, 'producer');
    app = await buildApp({ config, runtime, logger });
    const workerRedis = createRedis(redisUrl, 'worker');
    // Each test pins its own prompt; the worker plays the script registered for it.
    worker = createWorker<TierJob, void>(
      tierQueueName('complex'),
      async (job) => {
        const record = await runtime.store.getForWork(job.data.requestId);
        const script = scripts.get(record.request.messages[0]?.content ?? '');
        if (script === undefined) return;
        const writer = AnswerStreamWriter.forRequest(workerRedis, runtime.keys, job.data.requestId, {
          ttlSeconds: 60,
          maxLength: 1_000,
        });
        await script(job.data.requestId, writer, runtime);
      },
      { connection: workerRedis, keys: runtime.keys, concurrency: 4, lockDurationMs: 30_000 },
    );
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker.close();
    await app.close();
    await runtime.close();
  });

  const stream = (prompt: string, script: Script | undefined) => {
    if (script !== undefined) scripts.set(prompt, script);
    return app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: {
        model: 'complex',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: prompt }],
      },
    });
  };

  const write = async (writer: AnswerStreamWriter, entries: AnswerStreamEntry[]) => {
    for (const entry of entries) writer.write(entry);
    expect(await writer.flush()).toBeUndefined();
  };

  it('skips a provider call that broke off before its text went out, and streams the next', async () => {
    const response = await stream('retry quietly', async (_id, writer) =>
      write(writer, [
        { type: 'abort', attempt: 'a', reason: 'never started' },
        { type: 'start', attempt: 'b', tier: 'complex', provider: 'simulated', model: 'sim-large' },
        { type: 'delta', attempt: 'b', text: 'Hel' },
        { type: 'delta', attempt: 'b', text: 'lo' },
        { type: 'end', attempt: 'b', info },
      ]),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(response.headers['x-switchyard-deployment']).toBe('simulated/sim-large');
    const data = events(response.body);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((event) => JSON.parse(event));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? null)).toEqual(['', 'Hel', 'lo', null, null]);
    expect(chunks[3].choices[0].finish_reason).toBe('stop');
    expect(chunks[4]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
  });

  it('ends with stream_interrupted when a call breaks off after its text went out', async () => {
    const response = await stream('break off', async (_id, writer) =>
      write(writer, [
        { type: 'start', attempt: 'a', tier: 'complex', provider: 'simulated', model: 'sim-large' },
        { type: 'delta', attempt: 'a', text: 'Half an' },
        { type: 'abort', attempt: 'a', reason: 'connection reset' },
        { type: 'start', attempt: 'b', tier: 'complex', provider: 'simulated', model: 'sim-large' },
        { type: 'delta', attempt: 'b', text: 'Another answer' },
      ]),
    );
    const data = events(response.body);
    expect(data.map((event) => JSON.parse(event).choices?.[0]?.delta.content)).toEqual(['', 'Half an', undefined]);
    const last = JSON.parse(data.at(-1) ?? '{}');
    expect(last.error).toMatchObject({
      code: 'stream_interrupted',
      request_id: response.headers['x-switchyard-request-id'],
    });
    expect(last.error.message).toMatch(/connection reset/);
  });

  it('answers a failed request with its HTTP error when nothing went out yet', async () => {
    const response = await stream('fail me', async (id, _writer, queues) => {
      await queues.store.fail(id, { code: 'tier_failed', message: 'every deployment of tier complex failed' });
    });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({
      error: {
        code: 'request_failed',
        failure_code: 'tier_failed',
        request_id: response.headers['x-switchyard-request-id'],
      },
    });
  });

  it('answers 504 with the request id when nothing arrives within api.syncTimeoutMs', async () => {
    // No script: the worker takes the job and writes nothing, like an executor still busy.
    const response = await stream('never answered', undefined);
    expect(response.statusCode).toBe(504);
    const id = response.headers['x-switchyard-request-id'];
    expect(response.json()).toMatchObject({ error: { code: 'sync_timeout', type: 'timeout_error', request_id: id } });
    expect(response.json().error.message).toContain(`GET /v1/requests/${id}`);
  });
});
