import { loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { uniquePrefix } from '@switchyard/testkit';
import { readFileSync } from 'node:fs';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

/** How many processes of each role a run starts: the API is always one. */
export interface StackShape {
  classifiers: number;
  /** Executor processes per tier name. */
  executors: Record<string, number>;
}

export interface BatchFigures {
  requests: number;
  shape: StackShape;
  submitMs: number;
  completeMs: number;
  requestsPerSecond: number;
  /** Queue hops each request made (classify + one per tier it ran on), for the floor. */
  hopsPerRequest: number[];
  /** Requests per final tier. */
  tiers: Record<string, number>;
  /** RSS in MiB per process after a warm-up batch and at the end of the measured run. */
  rssMiB: Record<string, { warm: number; end: number }>;
  redisUsedMiB: { warm: number; end: number };
}

/** The bench's config: zero-latency simulated answers under a fresh prefix, as a file for the children. */
export function benchConfig(): { config: SwitchyardConfig; path: string } {
  const config = loadConfig();
  config.queue.prefix = uniquePrefix('bench');
  config.queue.retentionSeconds = 600;
  config.simulation = { latencyMs: { min: 0, max: 0 }, weakAnswerRate: { simple: 0.2, medium: 0.1 }, failureRate: 0 };
  return { config, path: writeConfigFile(config, 'bench') };
}

const maxBatch = 10_000;
/** Start-up on a loaded 2-core machine (tsx transpiling every process at once) can take a while. */
const startMs = 120_000;

/**
 * Batch throughput with every role as its own process: one API, `shape.classifiers` classifier
 * processes and `shape.executors[tier]` executor processes per tier, a zero-latency simulated
 * provider, `requests` submitted over HTTP in batches of up to 10,000 and timed from the first
 * submission to the last batch's `done`. A warm-up batch of 500 runs first (JIT, connections,
 * Lua scripts loaded); memory is read after it and at the end.
 */
export async function benchBatch(
  requests: number,
  shape: StackShape,
  redisUrl: string,
  redisUsedMiB: () => Promise<number>,
): Promise<BatchFigures> {
  const { path } = benchConfig();
  const env = { REDIS_URL: redisUrl, SWITCHYARD_CONFIG: path, SWITCHYARD_SIMULATE: '1', LOG_LEVEL: 'warn' };
  const processes: RoleProcess[] = [startRole('api', ['api', '--port', '0'], env)];
  for (let index = 0; index < shape.classifiers; index += 1) {
    processes.push(startRole(`classifier-${index + 1}`, ['classifier'], env));
  }
  for (const [tier, count] of Object.entries(shape.executors)) {
    for (let index = 0; index < count; index += 1) {
      processes.push(startRole(`executor-${tier}-${index + 1}`, ['executor', '--tier', tier], env));
    }
  }
  try {
    const [api, ...workers] = processes;
    const apiUrl = (await (api as RoleProcess).waitForLine(/listening on (http:\/\/\S+)/, startMs))[1] ?? '';
    await Promise.all(workers.map((worker) => worker.waitForLine(/Classifier running|Executors running/, startMs)));

    await runBatches(apiUrl, benchPrompts(500, 'warm-up'));
    const warmRss = Object.fromEntries(processes.map((role) => [role.name, rssMiB(role)]));
    const warmRedis = await redisUsedMiB();

    const submitted = performance.now();
    const { ids, submitMs } = await runBatches(apiUrl, benchPrompts(requests, 'run'));
    const completeMs = performance.now() - submitted;
    const endRss = Object.fromEntries(processes.map((role) => [role.name, rssMiB(role)]));

    const hopsPerRequest: number[] = [];
    const tiers: Record<string, number> = {};
    for (const id of ids) {
      const lines = (await (await fetch(`${apiUrl}/v1/batches/${id}/results`)).text()).split('\n');
      for (const line of lines) {
        if (line.trim() === '') continue;
        const result = JSON.parse(line) as { escalations: number; tier: string | null };
        // classify, the first tier, then one hop per escalation.
        hopsPerRequest.push(2 + result.escalations);
        const tier = result.tier ?? 'failed';
        tiers[tier] = (tiers[tier] ?? 0) + 1;
      }
    }
    return {
      requests,
      shape,
      submitMs: Math.round(submitMs),
      completeMs: Math.round(completeMs),
      requestsPerSecond: Math.round((requests / completeMs) * 1_000),
      hopsPerRequest,
      tiers,
      rssMiB: Object.fromEntries(
        Object.keys(warmRss).map((name) => [name, { warm: warmRss[name] ?? 0, end: endRss[name] ?? 0 }]),
      ),
      redisUsedMiB: { warm: warmRedis, end: await redisUsedMiB() },
    };
  } finally {
    await Promise.all(processes.map((role) => role.stop()));
  }
}

/** Submits `prompts` in batches of at most 10,000 at once and waits until every batch is done. */
async function runBatches(apiUrl: string, prompts: string[]): Promise<{ ids: string[]; submitMs: number }> {
  const started = performance.now();
  const ids: string[] = [];
  for (let offset = 0; offset < prompts.length; offset += maxBatch) {
    const items = prompts
      .slice(offset, offset + maxBatch)
      .map((content) => ({ messages: [{ role: 'user', content }] }));
    const response = await fetch(`${apiUrl}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items),
    });
    if (response.status !== 202) throw new Error(`batch rejected: ${response.status} ${await response.text()}`);
    ids.push(((await response.json()) as { id: string }).id);
  }
  const submitMs = performance.now() - started;
  // The progress stream ends with `done` once every request of the batch is finished.
  await Promise.all(ids.map(async (id) => (await fetch(`${apiUrl}/v1/batches/${id}/events`)).text()));
  return { ids, submitMs };
}

/** A quarter greetings (simple), the rest short explanations (medium), as a mixed batch would be. */
function benchPrompts(count: number, label: string): string[] {
  return Array.from({ length: count }, (_, index) =>
    index % 4 === 0
      ? `hello number ${index} (${label})`
      : `Explain idea ${index} of queueing theory in two paragraphs (${label}).`,
  );
}

function rssMiB(role: RoleProcess): number {
  const status = readFileSync(`/proc/${role.child.pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kib / 1024) * 10) / 10;
}
