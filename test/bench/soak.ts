import { loadConfig } from '@switchyard/core';
import { uniquePrefix } from '@switchyard/testkit';
import { readFileSync } from 'node:fs';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';
import { connectHeapProbe, heapProbeFlag, type HeapProbe } from './heap-probe.ts';

/** How far above its warm-up level a figure may end, once the retention has passed. */
export const soakBound = 0.2;
/**
 * Records and finished jobs live this long in the soak: short, so it passes within the run, yet
 * longer than one batch takes on a loaded machine (a record counts its retention from its
 * creation: a batch still running when it lapses loses its records and never finishes).
 */
const retentionSeconds = 120;
const warmUpRequests = 2_000;
/** Batches go in one after another, each small enough to finish well within the retention. */
const maxBatch = 2_000;
/** A batch that has not finished by then never will: the soak stops instead of waiting forever. */
const batchDeadlineMs = 600_000;
const startMs = 120_000;

/**
 * What a row measures. A process's RSS as found depends on when V8 last ran a full collection:
 * an idle process may hold 100+ MiB of garbage for minutes (nothing allocates, so nothing triggers
 * one), so that figure is shown but not judged. The bound applies to RSS and to the live
 * JavaScript heap read right after a full collection, and to Redis `used_memory`.
 */
export type SoakMeasure = 'rss' | 'rss-after-gc' | 'heap-used-after-gc' | 'used_memory';

export interface SoakMemory {
  name: string;
  measure: SoakMeasure;
  /** MiB after the warm-up, and once the load stopped and the retention passed. */
  warm: number;
  end: number;
  growth: number;
  /** Whether the bound applies to this row (not to RSS as found). */
  judged: boolean;
  within: boolean;
}

export interface SoakFigures {
  requests: number;
  retentionSeconds: number;
  bound: number;
  loadMs: number;
  requestsPerSecond: number;
  /** Requests of the load that did not complete. */
  notCompleted: number;
  /** From the end of the load to the second sample. */
  settleMs: number;
  totalMs: number;
  memory: SoakMemory[];
  redisKeys: { warm: number; end: number };
}

interface ProcessMemory {
  rss: number;
  rssAfterGc: number;
  heapUsedAfterGc: number;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const mib = (bytes: number) => round1(bytes / 1_048_576);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `requests` through the simulated provider (zero latency) with the API, the classifier and one
 * executor per tier as processes, records and jobs kept `retentionSeconds`. Memory is read after
 * a warm-up and again once the load stopped and the retention passed (plus two passes of the
 * finished-job cleaner): each process's RSS as found, then, through its inspector (on loopback),
 * a full garbage collection and its RSS and live heap after it; Redis `used_memory`. Each judged
 * figure should be back within `soakBound` of its warm-up level.
 */
export async function benchSoak(
  requests: number,
  redisUrl: string,
  redis: { info(section: string): Promise<string>; dbsize(): Promise<number> },
  say: (line: string) => void,
): Promise<SoakFigures> {
  const started = performance.now();
  const config = loadConfig();
  config.queue.prefix = uniquePrefix('soak');
  config.queue.retentionSeconds = retentionSeconds;
  config.simulation = { latencyMs: { min: 0, max: 0 }, weakAnswerRate: { simple: 0.2, medium: 0.1 }, failureRate: 0 };
  const path = writeConfigFile(config, 'soak');
  const env = { REDIS_URL: redisUrl, SWITCHYARD_CONFIG: path, SWITCHYARD_SIMULATE: '1', LOG_LEVEL: 'warn' };
  const flags = [heapProbeFlag];
  const processes: RoleProcess[] = [
    startRole('api', ['api', '--port', '0'], env, flags),
    startRole('classifier', ['classifier'], env, flags),
    ...config.tiers.map((tier) => startRole(`executor-${tier.name}`, ['executor', '--tier', tier.name], env, flags)),
  ];
  const probes: HeapProbe[] = [];
  const redisMiB = async () => mib(Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0));
  const sample = async () => {
    // Every RSS as found first: a collection in one process changes nothing in another.
    const found = processes.map(rssMiB);
    const memory = new Map<string, ProcessMemory>();
    for (const [index, role] of processes.entries()) {
      const probe = probes[index] as HeapProbe;
      await probe.collectGarbage();
      const heap = await probe.heap();
      memory.set(role.name, { rss: found[index] ?? 0, rssAfterGc: rssMiB(role), heapUsedAfterGc: mib(heap.usedBytes) });
    }
    return { memory, redis: await redisMiB(), keys: await redis.dbsize() };
  };
  try {
    const [api, ...workers] = processes;
    const apiUrl = (await (api as RoleProcess).waitForLine(/listening on (http:\/\/\S+)/, startMs))[1] ?? '';
    await Promise.all(workers.map((worker) => worker.waitForLine(/Classifier running|Executors running/, startMs)));
    for (const role of processes) probes.push(await connectHeapProbe(role));

    await runBatches(apiUrl, warmUpRequests, 'warm-up');
    const warm = await sample();
    say(`soak: warmed up (${warmUpRequests} requests); Redis ${warm.redis} MiB, ${warm.keys} keys`);

    const loadStart = performance.now();
    let notCompleted = 0;
    for (let offset = 0; offset < requests; offset += maxBatch) {
      notCompleted += await runBatches(apiUrl, Math.min(maxBatch, requests - offset), `load ${offset}`);
      const done = Math.min(offset + maxBatch, requests);
      if (done % 10_000 === 0 || done === requests) say(`soak: ${done} of ${requests} requests done`);
    }
    const loadMs = performance.now() - loadStart;
    // Retention, then two passes of the finished-job cleaner (a quarter of the retention each), and a margin.
    const settleMs = retentionSeconds * 1_000 * 1.5 + 10_000;
    say(`soak: load done in ${Math.round(loadMs / 1_000)} s; waiting ${settleMs / 1_000} s for the retention to pass`);
    await sleep(settleMs);
    const end = await sample();

    const figure = (name: string, measure: SoakMeasure, warmValue: number, endValue: number): SoakMemory => {
      const growth = warmValue === 0 ? 0 : Math.round(((endValue - warmValue) / warmValue) * 100) / 100;
      const judged = measure !== 'rss';
      return { name, measure, warm: warmValue, end: endValue, growth, judged, within: growth <= soakBound };
    };
    const measures = [
      ['rss', 'rss'],
      ['rss-after-gc', 'rssAfterGc'],
      ['heap-used-after-gc', 'heapUsedAfterGc'],
    ] as const;
    return {
      requests,
      retentionSeconds,
      bound: soakBound,
      loadMs: Math.round(loadMs),
      requestsPerSecond: Math.round((requests / loadMs) * 1_000),
      notCompleted,
      settleMs,
      totalMs: Math.round(performance.now() - started),
      memory: [
        ...processes.flatMap((role) =>
          measures.map(([measure, key]) =>
            figure(role.name, measure, warm.memory.get(role.name)?.[key] ?? 0, end.memory.get(role.name)?.[key] ?? 0),
          ),
        ),
        figure('Redis', 'used_memory', warm.redis, end.redis),
      ],
      redisKeys: { warm: warm.keys, end: end.keys },
    };
  } finally {
    for (const probe of probes) probe.close();
    await Promise.all(processes.map((role) => role.stop()));
  }
}

/** One batch of `count` requests, to its `done`; returns how many of them did not complete. */
async function runBatches(apiUrl: string, count: number, label: string): Promise<number> {
  const items = Array.from({ length: count }, (_, index) => ({
    messages: [
      {
        role: 'user',
        content:
          index % 4 === 0 ? `hello number ${index} (${label})` : `Explain idea ${index} of queueing theory (${label}).`,
      },
    ],
  }));
  const response = await fetch(`${apiUrl}/v1/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(items),
  });
  if (response.status !== 202) throw new Error(`soak batch rejected: ${response.status} ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  const stream = await fetch(`${apiUrl}/v1/batches/${id}/events`, { signal: AbortSignal.timeout(batchDeadlineMs) });
  const events = await stream.text();
  if (!events.includes('event: done')) throw new Error(`soak batch ${id}: progress stream ended without done`);
  const progress = [...events.matchAll(/^data: (.*)$/gm)]
    .map((match) => (JSON.parse(match[1] ?? '{}') as { counts?: Record<string, number> }).counts)
    .filter((counts) => counts !== undefined);
  return count - (progress.pop()?.completed ?? 0);
}

function rssMiB(role: RoleProcess): number {
  const status = readFileSync(`/proc/${role.child.pid}/status`, 'utf8');
  return round1(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}
