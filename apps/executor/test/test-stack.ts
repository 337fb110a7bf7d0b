import { Writable } from 'node:stream';
import { newRequestId, parseConfig, type RequestRecord, type SwitchyardConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createProviderRegistry, defaultAdapterFactories } from '@switchyard/providers';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import {
  redisUrlForTests,
  routedDecision,
  startFakeAnthropic,
  startFakeOpenAI,
  uniquePrefix,
  type FakeProviderServer,
} from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createExecutorBreakers, startExecutor, type ProcessBreakers, type RunningExecutor } from '../src/index.ts';

/** One JSON log line the stack's executors wrote. */
export type LogLine = Record<string, unknown> & { msg: string };

export interface TestStack {
  config: SwitchyardConfig;
  runtime: QueueRuntime;
  breakers: ProcessBreakers;
  logs: LogLine[];
  /** Writes a request record and enqueues its first tier hop (classification is not under test). */
  submit(prompt: string, tier?: string): Promise<string>;
  /** Resolves with the records once every request has completed or failed (pushed, not polled). */
  finished(requestIds: readonly string[]): Promise<RequestRecord[]>;
  /** One more executor of `tier`, sharing the stack's breakers; closing it hands its in-flight hops back. */
  startWorker(tier: string): { close(): Promise<void> };
  close(): Promise<void>;
}

export interface TestStackOptions {
  /** Start an executor for every tier (default); without them, jobs wait for `startWorker`. */
  executors?: boolean;
}

/**
 * The real executor (real queue, real Redis, real provider registry and SDK adapters) around a
 * config document, for integration tests against the fake provider servers. API keys are
 * `test-key`; everything the config leaves out gets the schema's defaults.
 */
export async function startTestStack(
  label: string,
  document: Record<string, unknown>,
  options: TestStackOptions = {},
): Promise<TestStack> {
  const redisUrl = await redisUrlForTests();
  const config = parseConfig({
    routes: [{ name: 'general' }],
    ...document,
    classifier: { defaultTier: (document.tiers as { name: string }[])[0]?.name, ...(document.classifier as object) },
    queue: {
      attempts: 3,
      backoffMs: 200,
      executorConcurrency: 8,
      retentionSeconds: 3_600,
      ...(document.queue as object),
      prefix: uniquePrefix(label),
    },
  });
  const logs: LogLine[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = createLogger({ name: `test.${label}`, level: 'info', destination });
  const runtime = createQueueRuntime(config, redisUrl, 'worker');
  const providers = createProviderRegistry(config, {
    env: { ANTHROPIC_API_KEY: 'test-key', OPENAI_API_KEY: 'test-key' },
    factories: defaultAdapterFactories,
  });
  const breakers = createExecutorBreakers({ config, runtime, logger });
  const executors: RunningExecutor[] =
    options.executors === false
      ? []
      : config.tiers.map((tier) => startExecutor({ config, tier: tier.name, runtime, providers, logger, breakers }));
  const workers: RunningExecutor[] = [];
  const events = runtime.events();
  await Promise.all([events.start(), breakers.ready]);

  return {
    config,
    runtime,
    breakers,
    logs,
    async submit(prompt, tier = config.tiers[0]?.name ?? '') {
      const id = newRequestId();
      await runtime.store.create([{ id, request: { messages: [{ role: 'user', content: prompt }] } }]);
      // Executors run only the hop the record routed: the decision a classifier would have taken.
      await runtime.store.setDecision(id, routedDecision(tier, config.classifier.fallbackRoute));
      await runtime.queues.enqueueHop({ requestId: id, hop: 0, tier, history: [] });
      return id;
    },
    async finished(requestIds) {
      const pending = new Set(requestIds);
      await new Promise<void>((resolve) => {
        const check = (id: string) => {
          pending.delete(id);
          if (pending.size > 0) return;
          stop();
          resolve();
        };
        const stop = events.onAny((event) => check(event.requestId));
        // Records that finished before the subscription count too.
        for (const id of requestIds) {
          void runtime.store
            .getStatus(id)
            .then((status) => (status === 'completed' || status === 'failed') && check(id));
        }
      });
      return Promise.all(requestIds.map(async (id) => (await runtime.store.get(id)) as RequestRecord));
    },
    startWorker(tier) {
      const executor = startExecutor({ config, tier, runtime, providers, logger, breakers });
      workers.push(executor);
      return executor;
    },
    async close() {
      await Promise.all([...executors, ...workers].map((running) => running.close()));
      await breakers.close();
      await runtime.close();
    },
  };
}

export interface FakeProviders {
  anthropic: FakeProviderServer;
  openai: FakeProviderServer;
}

/**
 * Wire-compatible Anthropic and OpenAI servers for a test file: started once, back to plain
 * answers after each test, closed at the end. Register it before hooks that use the servers.
 */
export function useFakeProviders(): FakeProviders {
  const fakes = {} as FakeProviders;
  beforeAll(async () => {
    [fakes.anthropic, fakes.openai] = await Promise.all([startFakeAnthropic(), startFakeOpenAI()]);
  });
  afterEach(() => {
    fakes.anthropic.setBehaviour({ kind: 'answer' });
    fakes.openai.setBehaviour({ kind: 'answer' });
  });
  afterAll(async () => {
    await Promise.all([fakes.anthropic.close(), fakes.openai.close()]);
  });
  return fakes;
}
