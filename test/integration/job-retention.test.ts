import { startClassifierWorker, type RunningClassifier } from '@switchyard/classifier';
import { createClassifierChain } from '@switchyard/classifiers';
import { classifyJobId, loadConfig, newRequestId, type SwitchyardConfig } from '@switchyard/core';
import { startExecutor, type RunningExecutor } from '@switchyard/executor';
import { createLogger } from '@switchyard/observability';
import { createProviderRegistry } from '@switchyard/providers';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger({ name: 'retention-test', level: 'silent' });

describe('finished jobs and records share one retention', () => {
  let config: SwitchyardConfig;
  let runtime: QueueRuntime;
  let classifier: RunningClassifier;
  const executors: RunningExecutor[] = [];

  beforeAll(async () => {
    config = loadConfig();
    config.queue.prefix = uniquePrefix('retention');
    config.queue.retentionSeconds = 2;
    config.simulation = { latencyMs: { min: 1, max: 5 }, weakAnswerRate: {}, failureRate: 0 };
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'worker', logger);
    classifier = startClassifierWorker({ config, runtime, chain: createClassifierChain(config), logger });
    const providers = createProviderRegistry(config, { env: {}, simulateAll: true });
    for (const tier of config.tiers)
      executors.push(startExecutor({ config, tier: tier.name, runtime, providers, logger }));
    await Promise.all(executors.map((executor) => executor.ready));
  });

  afterAll(async () => {
    await classifier.close();
    await Promise.all(executors.map((executor) => executor.close()));
    await runtime.close();
  });

  /** Every key of this test's prefix that holds a job or a record (queue bookkeeping keys aside). */
  async function leftovers(): Promise<string[]> {
    const keys: string[] = [];
    for (const pattern of [`{${config.queue.prefix}.*`, `${config.queue.prefix}:*`]) {
      let cursor = '0';
      do {
        const [next, found] = await runtime.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0');
    }
    return keys.filter((key) => /req_|:completed$|:failed$/.test(key));
  }

  it('removes finished jobs after the retention on a quiet system, as their records expire', async () => {
    const ids = Array.from({ length: 20 }, () => newRequestId());
    await runtime.store.create(
      ids.map((id, index) => ({ id, request: { messages: [{ role: 'user', content: `question ${index}?` }] } })),
    );
    const events = runtime.events();
    await events.start();
    const done = Promise.all(ids.map((id) => new Promise<void>((resolve) => events.onRequest(id, () => resolve()))));
    await runtime.queues.classify.addBulk(
      ids.map((requestId) => ({ name: 'classify', data: { requestId }, opts: { jobId: classifyJobId(requestId) } })),
    );
    await done;
    expect((await leftovers()).length).toBeGreaterThan(ids.length);

    // Nothing else runs: only the workers' own clean-up can take the jobs away.
    const deadline = Date.now() + 20_000;
    let left = await leftovers();
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await leftovers();
    }
    expect(left).toEqual([]);
  }, 40_000);
});
