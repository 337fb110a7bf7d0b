import type { SwitchyardConfig } from '@switchyard/core';
import { CompletionEvents } from './completion-events.ts';
import { KeySpace } from './key-space.ts';
import { QueueSet } from './queue-factory.ts';
import { createRedis, type RedisClient, type RedisRole } from './redis-connection.ts';
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
  /** A subscriber for completion events; opened on first use. */
  events(): CompletionEvents;
  close(): Promise<void>;
}

export function createQueueRuntime(
  config: SwitchyardConfig,
  redisUrl: string,
  role: Exclude<RedisRole, 'subscriber'>,
): QueueRuntime {
  const redis = createRedis(redisUrl, role);
  const keys = new KeySpace(config.queue.prefix);
  const store = new RequestStore(redis, keys, config.queue.retentionSeconds, config.ledger.retentionDays * 86_400);
  const queues = new QueueSet(redis, keys, config);
  let events: CompletionEvents | undefined;
  return {
    redis,
    keys,
    store,
    cache: new ResponseCache(redis, keys, config.cache.ttlSeconds),
    queues,
    redisUrl,
    events() {
      events ??= new CompletionEvents(createRedis(redisUrl, 'subscriber'), keys.eventsChannel);
      return events;
    },
    async close() {
      await queues.close();
      await events?.close();
      redis.disconnect();
    },
  };
}
