import { Writable } from 'node:stream';
import { loadConfig } from '@switchyard/core';
import { createLogger } from '@switchyard/observability';
import { createQueueRuntime, waitForRedis, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiContext } from './api-context.ts';
import { watchDrift } from './drift-watch.ts';

describe('the traffic drift watch', () => {
  let runtime: QueueRuntime;
  const lines: { level: number; msg: string; tiers?: Record<string, { shift: number }> }[] = [];
  const logger = createLogger({
    name: 'drift-test',
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
        done();
      },
    }),
  });
  const config = loadConfig();
  config.queue.prefix = uniquePrefix('drift-watch');
  config.ledger.drift = { warnShift: 0.2, minRequests: 100, checkSeconds: 0 };

  beforeAll(async () => {
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'producer');
    await waitForRedis(runtime.redis, 10_000);
  });
  afterAll(() => runtime.close());

  /** Adds requests of `tier` to the UTC hour `hoursAgo` before now, as the finish script does. */
  const count = async (hoursAgo: number, tier: string, requests: number) => {
    const at = new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    const field = `hour|${at.slice(11, 13)}|${tier}|local`;
    await runtime.redis.hincrby(runtime.keys.ledger(hoursAgo % 64, at.slice(0, 10)), field, requests);
  };

  it('warns when a tier takes a larger share of the last hour than of the day, and names it', async () => {
    const app = Fastify();
    const check = watchDrift(app, { config, runtime, logger } as unknown as ApiContext);
    await count(0, 'simple', 20);
    await count(0, 'complex', 60);
    // Too few requests in the last hour: no warning yet.
    expect((await check())?.lastHour.requests).toBe(80);
    expect(lines.filter((line) => line.msg.startsWith('traffic drift'))).toEqual([]);

    await count(0, 'complex', 60);
    for (let hoursAgo = 2; hoursAgo <= 12; hoursAgo += 1) await count(hoursAgo, 'simple', 100);
    const drift = await check();
    expect(drift?.lastHour.shares.complex).toBeCloseTo(120 / 140, 3);
    const warning = lines.find((line) => line.msg.startsWith('traffic drift'));
    expect(warning?.level).toBe(40);
    const simpleDown = String.raw`simple -\d+ points`;
    const complexUp = String.raw`complex \+\d+ points`;
    expect(warning?.msg).toMatch(
      new RegExp(`^traffic drift: (${simpleDown}, ${complexUp}|${complexUp}, ${simpleDown}) in the last hour`),
    );
    expect(warning?.tiers?.complex?.shift).toBeGreaterThan(0.2);
    await app.close();
  });
});
