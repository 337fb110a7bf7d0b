import { loadConfig, parseConfig } from '@switchyard/core';
import { uniquePrefix } from '@switchyard/testkit';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode, startRole, startScript, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';
import { freePort } from '@switchyard/testkit';

export interface LatencyFigures {
  target: string;
  clients: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
}

export interface SyncPathFigures {
  runs: LatencyFigures[];
  /** Time to the first content chunk of a streamed answer. */
  firstChunk: { target: string; p50Ms: number; p99Ms: number }[];
}

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  model: string;
}

const upstreamScript = fileURLToPath(new URL('./instant-upstream.ts', import.meta.url));
const startMs = 120_000;

/**
 * The synchronous path against the floor: the same instant upstream called directly, through
 * Switchyard's `/v1/chat/completions` (api and one executor per tier as their own processes,
 * routed with `model: "auto"`), and through a well-known gateway run locally (Portkey's open
 * source gateway) — at 1 client and at 32 concurrent clients, plus the time to the first
 * streamed chunk.
 */
export async function benchSyncPath(redisUrl: string, requestsAtOne = 1_000, requestsAtMany = 4_000) {
  const processes: RoleProcess[] = [];
  try {
    const upstream = startScript('upstream', upstreamScript, [], {});
    processes.push(upstream);
    const upstreamUrl = (await upstream.waitForLine(/listening on (http:\/\/\S+)/, startMs))[1] ?? '';

    const { path } = syncConfig(upstreamUrl);
    const env = { REDIS_URL: redisUrl, SWITCHYARD_CONFIG: path, BENCH_UPSTREAM_KEY: 'sk-bench', LOG_LEVEL: 'warn' };
    const api = startRole('api', ['api', '--port', '0'], env);
    const tiers = loadConfig(path).tiers.map((tier) => tier.name);
    const executors = tiers.map((tier) => startRole(`executor-${tier}`, ['executor', '--tier', tier], env));
    processes.push(api, ...executors);

    const gatewayPort = await freePort();
    const gateway = startNode('gateway', [portkeyServer(), `--port=${gatewayPort}`, '--headless'], {});
    processes.push(gateway);

    const apiUrl = (await api.waitForLine(/listening on (http:\/\/\S+)/, startMs))[1] ?? '';
    await Promise.all(executors.map((executor) => executor.waitForLine(/Executors running/, startMs)));
    await gateway.waitForLine(/Ready for connections/, startMs);

    const targets: Target[] = [
      { name: 'upstream directly', url: `${upstreamUrl}/v1/chat/completions`, headers: {}, model: 'bench-simple' },
      {
        name: 'through Switchyard',
        url: `${apiUrl}/v1/chat/completions`,
        headers: {},
        model: 'auto',
      },
      {
        name: 'through the Portkey gateway',
        url: `http://127.0.0.1:${gatewayPort}/v1/chat/completions`,
        headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstreamUrl}/v1` },
        model: 'bench-simple',
      },
    ];
    for (const target of targets) await load(target, 1, 200, false); // warm-up: JIT, connections, scripts
    const runs: LatencyFigures[] = [];
    for (const clients of [1, 32]) {
      for (const target of targets) {
        runs.push(await load(target, clients, clients === 1 ? requestsAtOne : requestsAtMany, false));
      }
    }
    const firstChunk = [];
    for (const target of targets.slice(0, 2)) {
      const figures = await load(target, 1, 300, true);
      firstChunk.push({ target: target.name, p50Ms: figures.p50Ms, p99Ms: figures.p99Ms });
    }
    return { runs, firstChunk } satisfies SyncPathFigures;
  } finally {
    await Promise.all(processes.map((role) => role.stop()));
  }
}

/** Every tier answered by the instant upstream through the `openai` adapter, as a real deployment would be. */
function syncConfig(upstreamUrl: string) {
  const base = loadConfig();
  const document = {
    ...base,
    queue: { ...base.queue, prefix: uniquePrefix('bench-sync') },
    providers: { bench: { type: 'openai', baseURL: `${upstreamUrl}/v1`, apiKeyEnv: 'BENCH_UPSTREAM_KEY' } },
    tiers: base.tiers.map((tier) => ({
      ...tier,
      deployments: [{ provider: 'bench', model: `bench-${tier.name}`, inputPerMTok: 1, outputPerMTok: 2 }],
    })),
  };
  const config = parseConfig(document, 'sync bench config');
  return { config, path: writeConfigFile(config, 'bench-sync') };
}

function portkeyServer(): string {
  const require = createRequire(import.meta.url);
  // The package has no `exports`: its start script sits next to its package.json.
  return join(dirname(require.resolve('@portkey-ai/gateway/package.json')), 'build', 'start-server.js');
}

/**
 * `requests` chat completions from `clients` concurrent loops; for a stream, the latency is the
 * time to the first chunk that carries content, and the rest of the stream is read to the end.
 */
async function load(target: Target, clients: number, requests: number, stream: boolean): Promise<LatencyFigures> {
  const latencies: number[] = [];
  let next = 0;
  const body = JSON.stringify({
    model: target.model,
    messages: [{ role: 'user', content: 'What is the capital of France?' }],
    ...(stream ? { stream: true } : {}),
  });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench', ...target.headers };
  const loop = async () => {
    while (next < requests) {
      next += 1;
      const started = performance.now();
      const response = await fetch(target.url, { method: 'POST', headers, body });
      if (response.status !== 200) throw new Error(`${target.name}: ${response.status} ${await response.text()}`);
      if (!stream) {
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        continue;
      }
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let seen = '';
      let first: number | undefined;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        seen += decoder.decode(value, { stream: true });
        if (first === undefined && /"content":"[^"]/.test(seen)) first = performance.now() - started;
      }
      latencies.push(first ?? performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, loop));
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (share: number) =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? 0) * 100) / 100;
  return {
    target: target.name,
    clients,
    requests,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    requestsPerSecond: Math.round((requests / elapsedMs) * 1_000),
  };
}
