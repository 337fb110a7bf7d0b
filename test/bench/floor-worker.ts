// One process of the BullMQ floor: a no-op worker on queue `floor.<index>` that moves each job on
// to `floor.<index + 1>` until the job has made its `hops`, then counts it done. It uses
// Switchyard's own connection settings, key prefixes, job options and executor concurrency, so
// that the only difference from the pipeline is the work Switchyard does per hop. Started by
// `queue-floor.ts`; stops on SIGTERM.
import { defaultJobOptions, loadConfig } from '@switchyard/core';
import { createRedis, KeySpace } from '@switchyard/queue';
import { Queue, Worker } from 'bullmq';
import { floorDoneKey, floorQueueName } from './queue-floor.ts';

const index = Number(process.argv[2]);
const redisUrl = process.env.REDIS_URL;
if (!Number.isInteger(index) || redisUrl === undefined) {
  throw new Error('usage: REDIS_URL=... SWITCHYARD_CONFIG=... floor-worker QUEUE_INDEX');
}
const config = loadConfig(process.env.SWITCHYARD_CONFIG);
const keys = new KeySpace(config.queue.prefix);
const producer = createRedis(redisUrl, 'producer', 'floor-producer');
const nextName = floorQueueName(index + 1);
const next = new Queue(nextName, {
  connection: producer,
  prefix: keys.queuePrefix(nextName),
  defaultJobOptions: defaultJobOptions(config.queue),
});
const worker = new Worker<{ hops: number }>(
  floorQueueName(index),
  async (job) => {
    if (index + 1 < job.data.hops) await next.add('hop', job.data, { jobId: `${job.id}-n` });
    else await producer.incr(floorDoneKey(config.queue.prefix));
  },
  {
    connection: createRedis(redisUrl, 'worker', 'floor-worker'),
    prefix: keys.queuePrefix(floorQueueName(index)),
    concurrency: config.queue.executorConcurrency,
    lockDuration: config.queue.lockDurationMs,
    stalledInterval: config.queue.lockDurationMs,
  },
);
worker.on('error', (error) => process.stderr.write(`floor-worker: ${error.message}\n`));
await worker.waitUntilReady();
process.stdout.write('floor-worker ready\n');
process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => next.close())
    .then(() => process.exit(0));
});
