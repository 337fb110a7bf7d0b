import { classifyJobId, loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';

const logger = createLogger({ name: 'submission-test', level: 'silent' });
const chat = (content: string) => ({ messages: [{ role: 'user', content }] });
const batch = (count: number, label: string) =>
  Array.from({ length: count }, (_, index) => ({
    custom_id: `${label}-${index}`,
    ...chat(`${label} number ${index}`),
  }));

describe('submissions and idempotency keys', () => {
  let app: FastifyInstance;
  let runtime: QueueRuntime;

  beforeAll(async () => {
    const config = loadConfig();
    config.queue.prefix = uniquePrefix('submission');
    config.queue.retentionSeconds = 600;
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    app = await buildApp({ config, runtime, logger });
    await runtime.queues.classify.waitUntilReady();
  });

  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  const post = (url: string, payload: unknown, key: string) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers: { 'idempotency-key': key } });

  it('refuses a repeated key with another body with 409; the same body gets the first request', async () => {
    const first = await post('/v1/requests', chat('one'), 'key-single');
    expect(first.statusCode).toBe(202);
    const again = await post('/v1/requests', chat('one'), 'key-single');
    expect(again.statusCode).toBe(200);
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    const other = await post('/v1/requests', chat('two'), 'key-single');
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({
      error: { code: 'idempotency_key_reused', type: 'invalid_request_error', param: 'Idempotency-Key' },
    });

    const firstBatch = await post('/v1/batches', batch(3, 'a'), 'key-batch');
    expect(firstBatch.statusCode).toBe(202);
    expect((await post('/v1/batches', batch(3, 'a'), 'key-batch')).statusCode).toBe(200);
    const reordered = await post('/v1/batches', batch(3, 'a').reverse(), 'key-batch');
    expect(reordered.statusCode).toBe(409);
    expect(reordered.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
  });

  /** What a submitter killed between writing a batch and queuing its last job leaves behind. */
  async function halfSubmitted(label: string, key: string): Promise<{ id: string; memberIds: string[] }> {
    const created = await post('/v1/batches', batch(40, label), key);
    expect(created.statusCode).toBe(202);
    const { id } = created.json<{ id: string }>();
    const memberIds = await runtime.store.batchMemberIds(id);
    await runtime.redis.hset(runtime.keys.batch(id), 'state', 'accepting');
    for (const requestId of memberIds.slice(15)) await runtime.queues.classify.remove(classifyJobId(requestId));
    return { id, memberIds };
  }

  async function missingJobs(memberIds: readonly string[]): Promise<string[]> {
    const jobs = await Promise.all(
      memberIds.map((requestId) => runtime.queues.classify.getJob(classifyJobId(requestId))),
    );
    return memberIds.filter((_, index) => jobs[index] === undefined);
  }

  it('finishes a half-submitted batch when its idempotency key comes again', async () => {
    const { id, memberIds } = await halfSubmitted('b', 'key-half');
    expect(await missingJobs(memberIds)).toHaveLength(25);
    const retry = await post('/v1/batches', batch(40, 'b'), 'key-half');
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ id, total: 40 });
    expect(await missingJobs(memberIds)).toEqual([]);
    expect((await runtime.store.getBatch(id))?.accepting).toBeUndefined();
    // Every job once: the 15 that were there are not added again.
    expect(await runtime.queues.classify.getJobCountByTypes('waiting', 'prioritized')).toBeGreaterThanOrEqual(40);
  });

  it('finishes a half-submitted batch when anyone reads it', async () => {
    const { id, memberIds } = await halfSubmitted('c', 'key-read');
    const status = await app.inject({ method: 'GET', url: `/v1/batches/${id}` });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ total: 40, counts: { queued: 40 } });
    expect(await missingJobs(memberIds)).toEqual([]);
    expect((await runtime.store.getBatch(id))?.accepting).toBeUndefined();
  });

  it('queues the job of a single request whose submitter died after claiming its key', async () => {
    const first = await post('/v1/requests', chat('lonely'), 'key-lonely');
    const { id } = first.json<{ id: string }>();
    await runtime.queues.classify.remove(classifyJobId(id));
    expect(await missingJobs([id])).toEqual([id]);
    expect((await post('/v1/requests', chat('lonely'), 'key-lonely')).statusCode).toBe(200);
    expect(await missingJobs([id])).toEqual([]);
  });
});
