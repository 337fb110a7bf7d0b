import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { redisAnswers } from '@switchyard/queue';
import { Redis } from 'ioredis';
import { freePort } from './redis-server-process.ts';

export interface RedisClusterProcess {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`, what `REDIS_URL` takes. */
  url: string;
  /** Client ports of the masters, in start order. */
  ports: number[];
  /** Client port of the master that holds `key` (asked with CLUSTER KEYSLOT and CLUSTER SLOTS). */
  portOf(key: string): Promise<number>;
  /** Stops the servers (SIGTERM to the pids this started), waits for them and removes their folder. */
  stop(): Promise<void>;
}

const masters = 3;
const startTimeoutMs = 15_000;

/**
 * A Redis Cluster of the test's own: three masters on free loopback ports, no replicas, no
 * persistence, slots spread by `redis-cli --cluster create`. Resolves once every node reports
 * `cluster_state:ok`, so a client that asks any node sees every slot served. Needs the
 * `redis-server` and `redis-cli` binaries (Redis 7 or newer, for `--cluster-port`).
 */
export async function startRedisCluster(): Promise<RedisClusterProcess> {
  for (const binary of ['redis-server', 'redis-cli']) {
    if (spawnSync(binary, ['--version'], { stdio: 'ignore' }).status !== 0) {
      throw new Error(
        `startRedisCluster needs the ${binary} binary on the PATH ` +
          '(Redis 7 or newer, e.g. the redis-server package); it was not found',
      );
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cluster-'));
  const servers: { port: number; child: ChildProcess }[] = [];
  // If the test process dies without its cleanup, the servers it started go with it.
  const killOnExit = () => {
    for (const { child } of servers) child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await Promise.all(servers.map(({ child }) => stopChild(child)));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const taken = new Set<number>();
    const nextPort = async () => {
      let port = await freePort();
      while (taken.has(port)) port = await freePort();
      taken.add(port);
      return port;
    };
    for (let index = 0; index < masters; index += 1) {
      // The cluster bus gets a port of its own: the default (port + 10000) may be taken or out of range.
      const [port, busPort] = [await nextPort(), await nextPort()];
      const child = spawn(
        'redis-server',
        [
          ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
          ...[
            '--cluster-enabled',
            'yes',
            '--cluster-port',
            String(busPort),
            '--cluster-config-file',
            `nodes-${port}.conf`,
          ],
          ...['--save', '', '--appendonly', 'no'],
        ],
        { stdio: 'ignore' },
      );
      servers.push({ port, child });
    }
    const deadline = Date.now() + startTimeoutMs;
    await Promise.all(
      servers.map(({ port, child }) =>
        waitUntil(
          () => redisAnswers(`redis://127.0.0.1:${port}`, 500),
          deadline,
          child,
          `redis-server on port ${port} did not answer`,
        ),
      ),
    );
    const nodes = servers.map(({ port }) => `127.0.0.1:${port}`);
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...nodes,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]).catch((error: unknown) => {
      throw new Error(
        `redis-cli --cluster create failed: ${(error as { stdout?: string }).stdout ?? ''}${String(error)}`,
        { cause: error },
      );
    });
    await Promise.all(
      servers.map(({ port, child }) =>
        waitUntil(() => clusterStateOk(port), deadline, child, `node ${port} did not reach cluster_state:ok`),
      ),
    );
    const ports = servers.map(({ port }) => port);
    return { url: `redis+cluster://${nodes.join(',')}`, ports, portOf: (key) => portOfKey(ports, key), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Asks the first node: every node of a formed cluster gives the same answer. */
async function portOfKey([port]: number[], key: string): Promise<number> {
  if (port === undefined) throw new Error('the cluster has no nodes');
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0 });
  try {
    const slot = Number(await client.cluster('KEYSLOT', key));
    // Each range is [first slot, last slot, master, ...replicas]; a node is [host, port, id, ...].
    const master = (await client.cluster('SLOTS')).find(([start, end]) => slot >= start && slot <= end)?.[2];
    if (master === undefined) throw new Error(`no node serves slot ${slot} of ${key}`);
    return master[1];
  } finally {
    client.disconnect();
  }
}

/** Whether the node sees the whole cluster: every slot served and every master known. */
async function clusterStateOk(port: number): Promise<boolean> {
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const info = String(await client.cluster('INFO'));
    return info.includes('cluster_state:ok') && info.includes(`cluster_known_nodes:${masters}`);
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Polls `check` (each call is a round trip to the node) until it holds, the child dies or time is up. */
async function waitUntil(
  check: () => Promise<boolean>,
  deadline: number,
  child: ChildProcess,
  failure: string,
): Promise<void> {
  while (!(await check())) {
    if (child.exitCode !== null) throw new Error(`${failure}: redis-server exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${failure} within ${startTimeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
