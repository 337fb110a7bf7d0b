import { parseRedisAddress, type RedisAddress, type RedisNodeAddress } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import {
  connectionErrorReporter,
  redisSecrets,
  reportErrorsOf,
  type ConnectionErrorReporter,
} from './connection-errors.ts';

type ClusterAddress = Extract<RedisAddress, { kind: 'cluster' }>;

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

/**
 * A connection to one Redis server or to a Redis Cluster. Both speak the same commands; every key
 * Switchyard touches in one command or script shares a hash tag, so the cluster routes it to
 * one node (see `KeySpace`).
 */
export type RedisClient = Redis | Cluster;

/**
 * The one place Switchyard opens Redis connections: `redis://` for one server, `redis+cluster://` for a cluster.
 * Errors go to `report` (the runtime's, see `createQueueRuntime`), or to a logger of its own.
 */
export function createRedis(
  url: string,
  role: RedisRole,
  connectionName?: string,
  report: ConnectionErrorReporter = defaultReporter(url),
): RedisClient {
  const address = parseRedisAddress(url);
  const name = connectionName ?? `switchyard-${role}`;
  const client =
    address.kind === 'cluster'
      ? new Cluster(address.nodes, clusterOptions(address, { ...roleOptions[role], connectionName: name }))
      : new Redis(url, {
          ...roleOptions[role],
          retryStrategy,
          connectionName: name,
          // Lots of small independent commands (batch status reads) share round trips.
          enableAutoPipelining: true,
        });
  // Connection errors also surface where they matter (503s, /readyz, workers waiting) and ioredis
  // reconnects by itself; without a listener ioredis prints each one, stack and failed command
  // (with the password of an AUTH) included, as "Unhandled error event".
  return reportErrorsOf(client, name, report);
}

/** Connection errors of a caller that gave no reporter: JSON lines of a logger named `redis`. */
export function defaultReporter(url: string): ConnectionErrorReporter {
  return connectionErrorReporter(createLogger({ name: 'redis' }), redisSecrets(url));
}

/**
 * ioredis keeps a cluster's offline queue and reconnect policy on the `Cluster` itself, and the
 * options of each node's connection under `redisOptions`; BullMQ reads `maxRetriesPerRequest`
 * from there too (it must be null for workers' blocking commands).
 */
function clusterOptions(address: ClusterAddress, options: RedisOptions): ClusterOptions {
  const { enableOfflineQueue, ...perNode } = options;
  return {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    clusterRetryStrategy: retryStrategy,
    // Auto-pipelining groups commands per node, so a batch read of records in many slots still
    // costs one round trip per node.
    enableAutoPipelining: true,
    redisOptions: {
      ...perNode,
      ...(address.username === undefined ? {} : { username: address.username }),
      ...(address.password === undefined ? {} : { password: address.password }),
      ...(address.tls ? { tls: {} } : {}),
    },
    // With TLS, seed hostnames are connected to as written, so certificates are checked against
    // the names they were issued for rather than a resolved IP.
    ...(address.tls
      ? { dnsLookup: (hostname: string, callback: (error: null, address: string) => void) => callback(null, hostname) }
      : {}),
  };
}

/** Resolves once the connection is ready, rejects after `timeoutMs`. */
export async function waitForRedis(redis: RedisClient, timeoutMs: number): Promise<void> {
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
    const address = parseRedisAddress(url);
    if (address.kind === 'cluster') {
      const user = address.username ?? '';
      const credentials = address.password === undefined ? (user === '' ? '' : `${user}@`) : `${user}:***@`;
      return `${address.tls ? 'rediss' : 'redis'}+cluster://${credentials}${address.nodes.map(formatNode).join(',')}`;
    }
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}

const formatNode = (node: RedisNodeAddress) => `${node.host.includes(':') ? `[${node.host}]` : node.host}:${node.port}`;

/**
 * One-shot check that a Redis (or, for a cluster URL, a cluster in state `ok`) answers PING at
 * `url` within `timeoutMs`, without retrying.
 */
export async function redisAnswers(url: string, timeoutMs = 1_500): Promise<boolean> {
  const address = parseRedisAddress(url);
  const once = { maxRetriesPerRequest: 0, connectTimeout: timeoutMs };
  const client: RedisClient =
    address.kind === 'cluster'
      ? new Cluster(address.nodes, {
          ...clusterOptions(address, once),
          lazyConnect: true,
          enableOfflineQueue: false,
          clusterRetryStrategy: () => null,
          slotsRefreshTimeout: timeoutMs,
        })
      : new Redis(url, { ...once, lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  // A node that accepts the connection but never answers would otherwise keep the check waiting.
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([client.connect().then(async () => (await client.ping()) === 'PONG'), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
