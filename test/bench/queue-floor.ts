import { defaultJobOptions, type SwitchyardConfig } from '@switchyard/core';
import { createRedis, KeySpace, waitForRedis } from '@switchyard/queue';
import { Queue } from 'bullmq';
import { fileURLToPath } from 'node:url';
import { startScript } from '../support/processes.ts';

export const floorQueueName = (index: number) => `floor.${index}`;
export const floorDoneKey = (prefix: string) => `${prefix}:floor-done`;

const workerScript = fileURLToPath(new URL('./floor-worker.ts', import.meta.url));

export interface FloorFigures {
  jobs: number;
  hops: number;
  completeMs: number;
  jobsPerSecond: number;
}

/**
 * The floor under the pipeline: bare BullMQ moving one job per request through as many queue hops
 * as that request made in the pipeline run (`hopsPerJob`), one no-op worker process per hop
 * position, jobs added with `addBulk` in chunks of `chunk` as the API adds them.
 */
export async function benchFloor(
  hopsPerJob: number[],
  config: SwitchyardConfig,
  configPath: string,
  redisUrl: string,
  chunk = 1_000,
): Promise<FloorFigures> {
  const positions = Math.max(...hopsPerJob);
  const env = { REDIS_URL: redisUrl, SWITCHYARD_CONFIG: configPath };
  const workers = Array.from({ length: positions }, (_, index) =>
    startScript(`floor-${index}`, workerScript, [String(index)], env),
  );
  const redis = createRedis(redisUrl, 'producer', 'floor-bench');
  const keys = new KeySpace(config.queue.prefix);
  const first = new Queue(floorQueueName(0), {
    connection: redis,
    prefix: keys.queuePrefix(floorQueueName(0)),
    defaultJobOptions: defaultJobOptions(config.queue),
  });
  try {
    await waitForRedis(redis, 10_000);
    await Promise.all(workers.map((worker) => worker.waitForLine(/floor-worker ready/, 120_000)));
    const started = performance.now();
    for (let offset = 0; offset < hopsPerJob.length; offset += chunk) {
      await first.addBulk(
        hopsPerJob.slice(offset, offset + chunk).map((hops, index) => ({
          name: 'hop',
          data: { hops },
          opts: { jobId: `f${offset + index}` },
        })),
      );
    }
    // Polled: the floor has no completion events of its own, and a 5 ms poll costs the run nothing.
    while (Number((await redis.get(floorDoneKey(config.queue.prefix))) ?? 0) < hopsPerJob.length) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const completeMs = performance.now() - started;
    return {
      jobs: hopsPerJob.length,
      hops: hopsPerJob.reduce((sum, hops) => sum + hops, 0),
      completeMs: Math.round(completeMs),
      jobsPerSecond: Math.round((hopsPerJob.length / completeMs) * 1_000),
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await first.close();
    redis.disconnect();
  }
}
