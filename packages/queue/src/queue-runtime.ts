import type { SwitchyardConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { CompletionEvents } from './completion-events.ts';
import {
  connectionErrorReporter,
  redisSecrets,
  type ConnectionErrorReporter,
  type ConnectionLogger,
} from './connection-errors.ts';
import { KeySpace } from './key-space.ts';
import { QueueSet } from './queue-factory.ts';
import { checkEvictionPolicy } from './eviction-policy.ts';
import { createRedis, waitForRedis, type RedisClient, type RedisRole } from './redis-connection.ts';
import { RequestStore } from './request-store.ts';
import { ResponseCache } from './response-cache.ts';

/** What every Switchyard process needs from Redis, opened once in its entry point. */
export interface QueueRuntime {
  redis: RedisClient;
  keys: KeySpace;
  store: RequestStore;
  cache: ResponseCache;
  queues: QueueSet;
  redisUrl: string;
  /** The queue settings of the configuration (attempts, backoff and retention workers enforce). */
  settings: SwitchyardConfig['queue'];
  /** Where every connection and BullMQ object of this runtime reports its errors (password redacted). */
  report: ConnectionErrorReporter;
  /** A subscriber for completion events; opened on first use. */
  events(): CompletionEvents;
  close(): Promise<void>;
}

export function createQueueRuntime(
  config: SwitchyardConfig,
  redisUrl: string,
  role: Exclude<RedisRole, 'subscriber'>,
  logger: ConnectionLogger = createLogger({ name: 'redis' }),
): QueueRuntime {
  const report = connectionErrorReporter(logger, redisSecrets(redisUrl));
  const redis = createRedis(redisUrl, role, undefined, report);
  const keys = new KeySpace(config.queue.prefix);
  const store = new RequestStore(redis, keys, config.queue.retentionSeconds, config.ledger.retentionDays * 86_400);
  const queues = new QueueSet(redis, keys, config, report);
  let events: CompletionEvents | undefined;
  return {
    redis,
    keys,
    store,
    cache: new ResponseCache(redis, keys, config.cache.ttlSeconds),
    queues,
    redisUrl,
    settings: config.queue,
    report,
    events() {
      events ??= new CompletionEvents(createRedis(redisUrl, 'subscriber', undefined, report), keys.eventsChannel);
      return events;
    },
    async close() {
      await queues.close();
      await events?.close();
      redis.disconnect();
    },
  };
}

/**
 * What each process's entry point opens: the runtime, once Redis answers (within 10 s), and
 * only when Redis will not evict its keys (`queue.evictionPolicyCheck`).
 */
export async function connectQueueRuntime(
  config: SwitchyardConfig,
  redisUrl: string,
  role: Exclude<RedisRole, 'subscriber'>,
  logger: ConnectionLogger,
): Promise<QueueRuntime> {
  const runtime = createQueueRuntime(config, redisUrl, role, logger);
  try {
    await waitForRedis(runtime.redis, 10_000);
    await checkEvictionPolicy(runtime.redis, config.queue.evictionPolicyCheck, logger);
  } catch (error) {
    await runtime.close().catch(() => undefined);
    throw error;
  }
  return runtime;
}
