import { classifyQueueName, loadConfig, tierQueueName } from '@switchyard/core';
import { KeySpace } from '@switchyard/queue';
import { startRedisCluster, uniquePrefix, type RedisClusterProcess } from '@switchyard/testkit';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot, startRole, type RoleProcess } from '../support/processes.ts';
import { countCompletions, writeConfigFile, type CompletionCounter } from '../support/stack.ts';

const tiers = ['simple', 'medium', 'complex'];
const queueNames = [classifyQueueName, ...tiers.map(tierQueueName)];

/** Node (client port) of each queue's slot: every key of a queue shares its `{prefix.queue}` tag. */
async function queueNodes(cluster: RedisClusterProcess, keys: KeySpace): Promise<Map<string, number>> {
  return new Map(
    await Promise.all(
      queueNames.map(async (name) => [name, await cluster.portOf(`${keys.queuePrefix(name)}:${name}:meta`)] as const),
    ),
  );
}

describe('the request path on a Redis Cluster', () => {
  let cluster: RedisClusterProcess;
  const roles: RoleProcess[] = [];
  let apiUrl = '';
  let keys: KeySpace;
  let completionCounter: CompletionCounter | undefined;
  let completions = new Map<string, number>();

  beforeAll(async () => {
    cluster = await startRedisCluster();
    // Four queue tags may all hash to one of three nodes (1 time in 27): take a prefix that puts
    // the queues on at least two nodes, so the run crosses shards. The test then checks the keys
    // really are there.
    do {
      keys = new KeySpace(uniquePrefix('e2e-cluster'));
    } while (new Set((await queueNodes(cluster, keys)).values()).size < 2);

    const config = loadConfig();
    config.queue.prefix = keys.prefix;
    config.queue.retentionSeconds = 600;
    config.simulation = {
      latencyMs: { min: 5, max: 20 },
      weakAnswerRate: { simple: 0.35, medium: 0.2, complex: 0 },
      failureRate: 0,
    };
    const configPath = writeConfigFile(config, 'e2e-cluster');
    const env = { REDIS_URL: cluster.url, SWITCHYARD_CONFIG: configPath, SWITCHYARD_SIMULATE: '1', LOG_LEVEL: 'warn' };

    completionCounter = await countCompletions(cluster.url, keys.eventsChannel);
    completions = completionCounter.counts;

    const api = startRole('api', ['api', '--port', '0'], env);
    roles.push(
      api,
      startRole('classifier', ['classifier'], env),
      ...tiers.map((tier) => startRole(`executor-${tier}`, ['executor', '--tier', tier], env)),
    );
    apiUrl = (await api.waitForLine(/listening on (http:\/\/\S+)/))[1] ?? '';
    await Promise.all(roles.slice(1).map((role) => role.waitForLine(/running/)));
  });

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
    completionCounter?.close();
    await cluster?.stop();
  });

  it('completes every request of a batch exactly once, with the queues on different nodes', async () => {
    const items = readFileSync(join(repositoryRoot, 'apps/cli/data/sample-batch.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(0, 60)
      .map((line) => JSON.parse(line) as { custom_id: string; prompt: string })
      .map(({ custom_id, prompt }) => ({ custom_id, messages: [{ role: 'user', content: prompt }] }));
    expect(items).toHaveLength(60);

    const created = await fetch(`${apiUrl}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items),
    });
    expect(created.status).toBe(202);
    const { id: batchId } = (await created.json()) as { id: string };

    // Progress is pushed through the cluster's pub/sub: follow it until the batch is done.
    const progress = await (await fetch(`${apiUrl}/v1/batches/${batchId}/events`)).text();
    expect(progress).toContain('event: done');

    const results = (await (await fetch(`${apiUrl}/v1/batches/${batchId}/results`)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; status: string; tier: string | null; escalations: number });
    expect(
      results.filter((line) => line.status !== 'completed'),
      roles.map((role) => role.output()).join('\n'),
    ).toEqual([]);
    expect(results).toHaveLength(60);
    // Every tier's executor did work, and weak answers crossed from one tier's queue to the next.
    expect(new Set(results.map((line) => line.tier))).toEqual(new Set(tiers));
    expect(results.some((line) => line.escalations > 0)).toBe(true);

    // Exactly once: one completion event per request, none for anything else. The finishing
    // script publishes on the node of the record; the subscriber is on whichever node ioredis picked.
    expect(new Set(completions.keys())).toEqual(new Set(results.map((line) => line.id)));
    expect([...completions.values()].every((count) => count === 1)).toBe(true);

    // The queues' keys are on the nodes their tags hash to, and those are not all one node.
    const nodes = await queueNodes(cluster, keys);
    for (const [name, port] of nodes) {
      const node = new Redis(port, '127.0.0.1');
      try {
        expect(await node.exists(`${keys.queuePrefix(name)}:${name}:meta`), `${name} on node ${port}`).toBe(1);
      } finally {
        node.disconnect();
      }
    }
    expect(new Set(nodes.values()).size).toBeGreaterThanOrEqual(2);
  });
});
