// `pnpm bench [--requests N] [--out DIR] [--soak [--soak-requests N]] [--only-soak]`: speed figures
// of this machine, side by side with the floor under them; `--soak` adds the memory soak (100,000
// requests by default, several minutes), `--only-soak` runs the soak alone;
// SWITCHYARD_BENCH_ONNX_DIR=<model directory> times the centroid strategy with that ONNX
// sentence-embedding model. Every part stops by itself. Writes DIR/bench.json and DIR/bench.md
// (default DIR: bench-results) and prints the table.
import { loadConfig } from '@switchyard/core';
import { createRedis, waitForRedis } from '@switchyard/queue';
import { startRedisServer } from '@switchyard/testkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchBatch, benchConfig, type BatchFigures, type StackShape } from './batch-throughput.ts';
import { benchClassifiers, formatClassifierSpeeds } from './classifier-speed.ts';
import { benchReport } from './bench-report.ts';
import { benchSoak, type SoakFigures } from './soak.ts';
import { benchOnnxEmbedder, formatOnnxSpeed } from './onnx-embedder-speed.ts';
import { soakReport } from './soak-report.ts';
import { benchFloor } from './queue-floor.ts';
import { benchSyncPath, type SyncPathFigures } from './sync-path.ts';
import { benchValidation, formatValidationFigures } from './validation-cost.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: process.env.BENCH_REQUESTS ?? '20000' },
    out: { type: 'string' },
    soak: { type: 'boolean', default: false },
    'soak-requests': { type: 'string', default: '100000' },
    'only-soak': { type: 'boolean', default: false },
  },
});
const onlySoak = values['only-soak'];
const soakRequests = Number(values['soak-requests']);
if (!Number.isInteger(soakRequests) || soakRequests < 1_000)
  throw new Error(`--soak-requests: a whole number ≥ 1000, not "${values['soak-requests']}"`);
const requests = Number(values.requests);
if (!Number.isInteger(requests) || requests < 100)
  throw new Error(`--requests: a whole number ≥ 100, not "${values.requests}"`);
const outDir = values.out ?? 'bench-results';

// Classification first: it needs no Redis, so its figures print even where the pipeline cannot run.
const classifiers = onlySoak ? [] : await benchClassifiers();
if (!onlySoak) process.stdout.write(`${formatClassifierSpeeds(classifiers)}\n`);
const onnx = onlySoak
  ? { notMeasured: 'only the soak ran' }
  : await benchOnnxEmbedder(process.env.SWITCHYARD_BENCH_ONNX_DIR);
if (!onlySoak) process.stdout.write(`${formatOnnxSpeed(onnx)}\n`);

// A Redis of the bench's own (AOF on, as deployed), so memory figures are the bench's alone and
// the pipeline and the floor run against the same server.
const redisServer = await startRedisServer();
const redis = createRedis(redisServer.url, 'producer', 'bench');
await waitForRedis(redis, 10_000);
if (!onlySoak) process.stdout.write(`${formatValidationFigures(await benchValidation(redisServer.url))}\n`);
const redisUsedMiB = async () => {
  const info = await redis.info('memory');
  return Math.round((Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0) / 1_048_576) * 10) / 10;
};
const tiers = loadConfig().tiers.map((tier) => tier.name);
const oneEach = (count = 1): Record<string, number> => Object.fromEntries(tiers.map((tier) => [tier, count]));

const runSoak = async () => {
  await redis.flushall();
  const soak = await benchSoak(soakRequests, redisServer.url, redis, (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`soak: ${soakRequests} requests, ${Math.round(soak.totalMs / 1_000)} s in all\n`);
  return soak;
};

/** Every part but the soak, then the soak with `--soak`. */
async function benchAll() {
  const runs: BatchFigures[] = [];
  const run = async (shape: StackShape) => {
    await redis.flushall();
    const figures = await benchBatch(requests, shape, redisServer.url, redisUsedMiB);
    process.stdout.write(
      `batch: ${requests} requests, ${shape.classifiers} classifier(s), ` +
        `executors ${JSON.stringify(shape.executors)}: ${figures.requestsPerSecond} requests/s\n`,
    );
    runs.push(figures);
    return figures;
  };

  const base = await run({ classifiers: 1, executors: oneEach() });
  await redis.flushall();
  const floorConfig = benchConfig();
  const floor = await benchFloor(base.hopsPerRequest, floorConfig.config, floorConfig.path, redisServer.url);
  process.stdout.write(`floor: ${floor.jobs} jobs, ${floor.hops} hops on bare BullMQ: ${floor.jobsPerSecond} jobs/s\n`);

  const busiest = Object.entries(base.tiers).sort((a, b) => b[1] - a[1])[0]?.[0] ?? tiers[0] ?? '';
  for (const count of [2, 4]) await run({ classifiers: 1, executors: { ...oneEach(), [busiest]: count } });
  await run({ classifiers: 2, executors: oneEach() });

  await redis.flushall();
  let sync: SyncPathFigures | { error: string };
  try {
    sync = await benchSyncPath(redisServer.url);
  } catch (error) {
    // The batch figures above stand on their own; say why this part has none.
    sync = { error: (error as Error).message.split('\n')[0] ?? 'failed' };
    process.stdout.write(`sync path: not measured: ${sync.error}\n`);
  }

  const soak: SoakFigures | undefined = values.soak ? await runSoak() : undefined;
  return benchReport({ requests, classifiers, onnx, runs, floor, busiest, sync, soak });
}

try {
  const report = onlySoak ? soakReport(await runSoak()) : await benchAll();
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench.json'), `${JSON.stringify(report.json, null, 2)}\n`);
  writeFileSync(join(outDir, 'bench.md'), report.markdown);
  process.stdout.write(`\n${report.markdown}\nwrote ${join(outDir, 'bench.json')} and ${join(outDir, 'bench.md')}\n`);
} finally {
  redis.disconnect();
  await redisServer.stop();
}
