import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseRedisAddress } from '@switchyard/core';
import { redactRedisUrl, redisAnswers } from '@switchyard/queue';

export interface RedisHandle {
  /** Set when this process started the server; stopping it is the caller's job. */
  started: ChildProcess | undefined;
  stop(): Promise<void>;
}

/**
 * Makes sure Redis answers at `url`. When it does not, the address is on this machine and a
 * `redis-server` binary is on the PATH, starts one (data under `dataDir`, AOF on, so queued work
 * survives a restart) and says so; otherwise stops with a message that says how to get Redis.
 * A Redis Cluster is never started here: it is several servers joined on purpose, not a default.
 */
export async function ensureRedis(url: string, dataDir: string, say: (line: string) => void): Promise<RedisHandle> {
  const none: RedisHandle = { started: undefined, stop: async () => {} };
  if (await redisAnswers(url)) return none;
  if (parseRedisAddress(url).kind === 'cluster') {
    throw new Error(
      [
        `No Redis Cluster answers at ${redactRedisUrl(url)}.`,
        'Check that the seed nodes are up and that the cluster is formed ' +
          '(`redis-cli -h <host> -p <port> cluster info` says cluster_state:ok),',
        'or point REDIS_URL at a single Redis (REDIS_URL=redis://127.0.0.1:6379) ' +
          'and Switchyard starts one when none answers.',
      ].join('\n'),
    );
  }
  const parsed = new URL(url);
  const local = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(parsed.hostname);
  const hasBinary = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!local || !hasBinary) {
    throw new Error(
      [
        `No Redis answers at ${parsed.host}.`,
        local ? 'No redis-server binary is on the PATH to start one.' : '',
        'Start Redis 7 or newer ' +
          "(for example `docker compose up -d redis`, or install your system's redis-server package),",
        'or point REDIS_URL at one (REDIS_URL=redis://host:6379).',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
  const port = parsed.port === '' ? '6379' : parsed.port;
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port',
      port,
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  // If this process dies without its cleanup running (a crash, a closed pipe), the server it
  // started goes with it instead of lingering on the port.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(url, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(
        `started redis-server on port ${port}, but it did not answer (exit code ${child.exitCode ?? 'none'})`,
      );
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  say(`Started redis-server on 127.0.0.1:${port} (data in ${dataDir}, AOF on); it stops when Switchyard stops.`);
  return {
    started: child,
    stop: () =>
      new Promise<void>((done) => {
        process.off('exit', killOnExit);
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
