import { loadConfig } from '@switchyard/core';
import { createRedis, KeySpace, waitForRedis } from '@switchyard/queue';
import { startRedisServer, uniquePrefix, type RedisServerProcess } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { countCompletions, writeConfigFile, type CompletionCounter } from '../support/stack.ts';

const requests = 2_000;
const startMs = 90_000;
const items = Array.from({ length: requests }, (_, index) => ({
  custom_id: `item-${index}`,
  messages: [{ role: 'user', content: `Question ${index}: what is ${index} plus one?` }],
}));

/**
 * Fault: the API is SIGKILLed while it accepts a large batch with an Idempotency-Key, after the
 * records, the batch and the key are written and before every job is queued. Asserted: after a
 * restart the retry with the same key answers that batch, and every request of it completes
 * exactly once (no request left `queued` with no job behind it).
 */
describe('the API killed in the middle of a batch submission', () => {
  const prefix = uniquePrefix('fault-api-kill');
  const keys = new KeySpace(prefix);
  const roles: RoleProcess[] = [];
  let server: RedisServerProcess | undefined;
  let env: Record<string, string> = {};
  let completions: CompletionCounter | undefined;

  beforeAll(async () => {
    server = await startRedisServer();
    const config = loadConfig();
    config.queue.prefix = prefix;
    config.queue.retentionSeconds = 3_600;
    config.queue.classifierConcurrency = 100;
    config.queue.executorConcurrency = 100;
    config.cascade.enabled = false;
    config.simulation = { latencyMs: { min: 0, max: 0 }, weakAnswerRate: {}, failureRate: 0 };
    env = {
      REDIS_URL: server.url,
      SWITCHYARD_CONFIG: writeConfigFile(config, 'fault-api-kill'),
      SWITCHYARD_SIMULATE: '1',
      LOG_LEVEL: 'warn',
    };
    completions = await countCompletions(server.url, keys.eventsChannel);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
    completions?.close();
    await server?.stop();
  });

  async function startApi(name: string): Promise<{ api: RoleProcess; url: string }> {
    const api = startRole(name, ['api', '--port', '0'], env);
    roles.push(api);
    return { api, url: (await api.waitForLine(/listening on (http:\/\/\S+)/, startMs))[1] ?? '' };
  }

  const submit = (url: string) =>
    fetch(`${url}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'nightly-run-7' },
      body: JSON.stringify(items),
    });

  it('finishes the batch on the retry: every request completes exactly once', async () => {
    const redisUrl = server?.url ?? '';
    const { api, url } = await startApi('api');

    // Kill the API the moment it claims the idempotency key: the records and the batch are
    // written, the jobs are being queued. No worker runs yet, so the queue shows what was queued.
    const watcher = createRedis(redisUrl, 'subscriber', 'fault-watcher');
    const admin = createRedis(redisUrl, 'producer', 'fault-admin');
    await Promise.all([waitForRedis(watcher, 10_000), waitForRedis(admin, 10_000)]);
    await admin.config('SET', 'notify-keyspace-events', 'K$');
    const killed = new Promise<void>((resolve) => {
      watcher.on('pmessage', () => {
        if (api.child.exitCode === null && api.child.signalCode === null) {
          api.child.once('exit', () => resolve());
          api.child.kill('SIGKILL');
        }
      });
    });
    await watcher.psubscribe(`__keyspace@0__:${prefix}:idempotency:*`);
    const firstTry = submit(url).then(
      (response) => response.status,
      () => 'connection lost' as const,
    );
    await killed;
    watcher.disconnect();
    expect(await firstTry).toBe('connection lost');

    const [batchKey] = await admin
      .keys(`${prefix}:batch:*`)
      .then((found) => found.filter((key) => !key.endsWith(':members')));
    expect(batchKey, 'the batch was written before the kill').toBeDefined();
    const classifyQueue = `${keys.queuePrefix('classify')}:classify`;
    const queuedAtKill =
      (await admin.llen(`${classifyQueue}:wait`)) + (await admin.zcard(`${classifyQueue}:prioritized`));
    expect(queuedAtKill, 'the kill landed before every job was queued').toBeLessThan(requests);

    const restarted = await startApi('api-2');
    roles.push(
      startRole('classifier', ['classifier'], env),
      ...['simple', 'medium', 'complex'].map((tier) =>
        startRole(`executor-${tier}`, ['executor', '--tier', tier], env),
      ),
    );
    const retry = await submit(restarted.url);
    expect(retry.status).toBe(200);
    const { id, total } = (await retry.json()) as { id: string; total: number };
    expect(batchKey).toContain(id);
    expect(total).toBe(requests);

    // Bounded so that a batch that never finishes fails here rather than at the test's timeout.
    const progress = await (
      await fetch(`${restarted.url}/v1/batches/${id}/events`, { signal: AbortSignal.timeout(150_000) })
    ).text();
    expect(progress).toContain('event: done');
    const results = (await (await fetch(`${restarted.url}/v1/batches/${id}/results`)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { custom_id: string; status: string });
    expect(results).toHaveLength(requests);
    expect(results.filter((line) => line.status !== 'completed')).toEqual([]);
    expect(new Set(results.map((line) => line.custom_id)).size).toBe(requests);
    const counts = [...(completions?.counts.values() ?? [])];
    expect(counts).toHaveLength(requests);
    expect(counts.every((count) => count === 1)).toBe(true);
    admin.disconnect();
  }, 300_000);
});
