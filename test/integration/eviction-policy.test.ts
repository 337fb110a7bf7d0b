import { loadConfig } from '@switchyard/core';
import { checkEvictionPolicy, createRedis } from '@switchyard/queue';
import { startRedisServer, type RedisServerProcess } from '@switchyard/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { startRole } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

describe("start-up check of Redis's maxmemory-policy", () => {
  const servers: RedisServerProcess[] = [];
  afterAll(() => Promise.all(servers.map((server) => server.stop())));

  async function server(args: string[]) {
    const started = await startRedisServer({ args });
    servers.push(started);
    const redis = createRedis(started.url, 'worker', 'switchyard-test-eviction');
    return { url: started.url, redis };
  }

  function recorder() {
    const warnings: { fields: object; message: string }[] = [];
    return { warnings, logger: { warn: (fields: object, message: string) => warnings.push({ fields, message }) } };
  }

  it('refuses an evicting Redis, saying why, or only warns when configured so', async () => {
    const { redis } = await server(['--maxmemory-policy', 'allkeys-lru']);
    try {
      const { warnings, logger } = recorder();
      await expect(checkEvictionPolicy(redis, 'refuse', logger)).rejects.toThrow(
        /maxmemory-policy allkeys-lru, not noeviction: an evicting Redis deletes keys under memory pressure/,
      );
      await checkEvictionPolicy(redis, 'warn', logger);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toContain('allkeys-lru');
    } finally {
      redis.disconnect();
    }
  });

  it('passes noeviction silently, and only warns when CONFIG is refused (managed Redis)', async () => {
    const plain = await server([]);
    const managed = await server(['--rename-command', 'CONFIG', '']);
    try {
      const { warnings, logger } = recorder();
      await checkEvictionPolicy(plain.redis, 'refuse', logger);
      expect(warnings).toEqual([]);
      await checkEvictionPolicy(managed.redis, 'refuse', logger);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toContain('could not read Redis maxmemory-policy');
    } finally {
      plain.redis.disconnect();
      managed.redis.disconnect();
    }
  });

  it('stops a worker process at start-up with the reason', async () => {
    const { url, redis } = await server(['--maxmemory-policy', 'volatile-lru']);
    redis.disconnect();
    const config = loadConfig();
    const role = startRole('executor', ['executor', '--tier', 'simple'], {
      REDIS_URL: url,
      SWITCHYARD_CONFIG: writeConfigFile(config, 'eviction'),
      SWITCHYARD_SIMULATE: '1',
      LOG_LEVEL: 'warn',
    });
    const code = await new Promise<number | null>((resolve) =>
      role.child.once('exit', (exitCode) => resolve(exitCode)),
    );
    expect(code).toBe(1);
    expect(role.output()).toContain('maxmemory-policy volatile-lru, not noeviction');
  }, 30_000);
});
