/** One node of a Redis Cluster, as given in `REDIS_URL`. */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/**
 * Where Switchyard's Redis is. A single server keeps its `redis://` / `rediss://` URL (ioredis
 * reads it as is); a Redis Cluster is given by seed nodes, from which the client learns the rest.
 */
export type RedisAddress =
  | { kind: 'single'; url: string }
  | {
      kind: 'cluster';
      nodes: RedisNodeAddress[];
      tls: boolean;
      username: string | undefined;
      password: string | undefined;
    };

const singlePattern = /^rediss?:\/\//;
// `redis+cluster://[user:password@]host:port[,host:port...]`; a trailing `/` or `/0` is allowed
// because a cluster has only database 0.
const clusterPattern = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^@/]+)(?:\/0?)?$/;
const nodePattern = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d+))?$/;

const redisAddressHint = 'must be a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL';

/** Reads a `REDIS_URL`; throws a `RangeError` that says what is wrong with it. */
export function parseRedisAddress(url: string): RedisAddress {
  if (singlePattern.test(url)) return { kind: 'single', url };
  const match = clusterPattern.exec(url);
  if (match === null) {
    if (/^rediss?\+cluster:\/\//.test(url))
      throw new RangeError('a cluster URL is redis+cluster://[user:password@]host:port[,host:port...]');
    throw new RangeError(redisAddressHint);
  }
  const [, scheme, userInfo, seeds = ''] = match;
  const nodes = seeds.split(',').map(parseNode);
  const separator = userInfo?.indexOf(':') ?? -1;
  const username =
    userInfo === undefined ? undefined : decodeURIComponent(separator < 0 ? userInfo : userInfo.slice(0, separator));
  const password =
    userInfo === undefined || separator < 0 ? undefined : decodeURIComponent(userInfo.slice(separator + 1));
  return {
    kind: 'cluster',
    nodes,
    tls: scheme === 'rediss',
    username: username || undefined,
    password: password || undefined,
  };
}

function parseNode(seed: string): RedisNodeAddress {
  const match = nodePattern.exec(seed.trim());
  const port = Number(match?.[2] ?? 6379);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`cluster seed node "${seed}" is not host:port`);
  }
  return { host: (match[1] ?? '').replace(/^\[(.*)\]$/, '$1'), port };
}
