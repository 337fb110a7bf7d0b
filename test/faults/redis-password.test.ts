import { loadConfig } from '@switchyard/core';
import { startRedisServer, type RedisServerProcess } from '@switchyard/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';
import { nonJsonLines } from './fault-stack.ts';

const password = 'pw-kept-secret-4711';

describe('the Redis password never reaches the output', () => {
  let redis: RedisServerProcess;
  let configPath = '';
  const roles: RoleProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer({ password });
    const config = loadConfig();
    config.queue.prefix = 'password';
    // Redis refuses the roles by then: they stop without waiting for it.
    config.shutdown.deadlineMs = 1_000;
    configPath = writeConfigFile(config, 'password');
  });

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
    await redis.stop();
  });

  const start = (name: string, args: string[], url: string) => {
    const role = startRole(name, args, {
      REDIS_URL: url,
      SWITCHYARD_CONFIG: configPath,
      SWITCHYARD_SIMULATE: '1',
      LOG_LEVEL: 'warn',
    });
    roles.push(role);
    return role;
  };

  it('with a wrong password: the refusal is logged as JSON, the password is not', async () => {
    const wrong = 'wrong-pw-0815';
    const url = redis.url.replace(encodeURIComponent(password), wrong);
    const role = start('executor-wrong', ['executor', '--tier', 'simple'], url);
    await new Promise<void>((resolve) => role.child.once('exit', () => resolve()));
    const output = `${role.output()}\n${role.stderr()}`;
    expect(output).toContain('WRONGPASS');
    expect(output).not.toContain(wrong);
    expect(output).not.toContain(password);
  }, 40_000);

  it('when the password changes under a running process: errors logged as JSON lines, no password', async () => {
    const executor = start('executor', ['executor', '--tier', 'simple'], redis.url);
    const classifier = start('classifier', ['classifier'], redis.url);
    await Promise.all([executor.waitForLine(/running/), classifier.waitForLine(/running/)]);

    const admin = new Redis(redis.url);
    const changed = 'changed-pw-2342';
    try {
      await admin.config('SET', 'requirepass', changed);
      // Every connection of the roles must authenticate again, now with a password that is wrong.
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal');
    } finally {
      admin.disconnect();
    }
    await Promise.all(
      [executor, classifier].map(
        (role) =>
          new Promise<void>((resolve) => {
            const check = () => {
              if (!role.output().includes('WRONGPASS')) return;
              role.child.stderr?.off('data', check);
              resolve();
            };
            role.child.stderr?.on('data', check);
            check();
          }),
      ),
    );
    await Promise.all([executor.stop(), classifier.stop()]);
    for (const role of [executor, classifier]) {
      const output = `${role.output()}\n${role.stderr()}`;
      expect(output).not.toContain(password);
      expect(output).not.toContain(changed);
      expect(nonJsonLines(role.stderr())).toEqual([]);
    }
  }, 60_000);
});
