import { Redis, type RedisOptions } from 'ioredis';

/**
 * What a connection is used for decides how it behaves when Redis is away:
 * - `producer`: the API. Fails commands at once while disconnected (no offline queue, one
 *   retry) so that a request gets a 503 instead of hanging until the client times out.
 * - `worker`: BullMQ workers and the executors' stores. Waits for Redis to come back
 *   (`maxRetriesPerRequest: null` is what BullMQ requires for its blocking commands).
 * - `subscriber`: pub/sub listener; reconnects and re-subscribes on its own.
 */
export type RedisRole = 'producer' | 'worker' | 'subscriber';

const roleOptions: Record<RedisRole, RedisOptions> = {
  producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false },
  worker: { maxRetriesPerRequest: null },
  subscriber: { maxRetriesPerRequest: null },
};

/** Reconnect quickly at first, then every 2 s at most: a restarted Redis is found within 2 s. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** times, 2_000);

/** The one place Switchyard opens Redis connections. */
export function createRedis(url: string, role: RedisRole, connectionName?: string): Redis {
  const redis = new Redis(url, {
    ...roleOptions[role],
    retryStrategy,
    connectionName: connectionName ?? `switchyard-${role}`,
    // Lots of small independent commands (batch status reads) share round trips.
    enableAutoPipelining: true,
  });
  // Connection errors surface where they matter (503s, /readyz, workers waiting) and ioredis
  // reconnects by itself; without a listener each one would also be printed as an unhandled event.
  redis.on('error', () => {});
  return redis;
}

/** Resolves once the connection is ready, rejects after `timeoutMs`. */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/** Reads `REDIS_URL`-style addresses for log lines without leaking a password. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}

/** One-shot check that a Redis answers PING at `url` within `timeoutMs`, without retrying. */
export async function redisAnswers(url: string, timeoutMs = 1_500): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
