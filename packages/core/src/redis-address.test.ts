import { describe, expect, it } from 'vitest';
import { parseRedisAddress } from './redis-address.ts';

describe('parseRedisAddress', () => {
  it('keeps a single-server URL as it is, for ioredis to read', () => {
    expect(parseRedisAddress('rediss://:pw@cache.example:6380/2')).toEqual({
      kind: 'single',
      url: 'rediss://:pw@cache.example:6380/2',
    });
  });

  it('reads cluster seed nodes, credentials and TLS', () => {
    expect(parseRedisAddress('rediss+cluster://app:p%40ss@node-a:7000,[::1]:7001,node-c/')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'node-a', port: 7000 },
        { host: '::1', port: 7001 },
        { host: 'node-c', port: 6379 },
      ],
      tls: true,
      username: 'app',
      password: 'p@ss',
    });
    expect(parseRedisAddress('redis+cluster://:secret@127.0.0.1:7000')).toMatchObject({
      tls: false,
      username: undefined,
      password: 'secret',
    });
  });

  it('says what is wrong with a bad address', () => {
    expect(() => parseRedisAddress('memcached://x')).toThrow(
      'must be a redis://, rediss://, redis+cluster:// or rediss+cluster:// URL',
    );
    expect(() => parseRedisAddress('redis+cluster://')).toThrow(
      'a cluster URL is redis+cluster://[user:password@]host:port[,host:port...]',
    );
    expect(() => parseRedisAddress('redis+cluster://a:7000/3')).toThrow('a cluster URL is');
    expect(() => parseRedisAddress('redis+cluster://a:7000,b:99999')).toThrow(
      'cluster seed node "b:99999" is not host:port',
    );
  });
});
