import { loadConfig } from '@switchyard/core';
import { uniquePrefix } from '@switchyard/testkit';
import { startRole } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

export interface LatencyFigures {
  requests: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ChatLatencyFigures {
  plain: LatencyFigures;
  stream: LatencyFigures;
  /** Plain requests the gate sent up a tier: each escalation is one more queue hop. */
  plainEscalated: number;
}

function percentiles(samples: number[]): LatencyFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
  return { requests: samples.length, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * What the router adds to one chat completion on this machine: an API and an executor process
 * around one Redis, the simulated provider answering in 0 ms, so every millisecond measured is
 * Switchyard's (HTTP, inline classification, record, queue, executor, gate, completion event).
 * Requests go one at a time, so the figures are latency, not throughput. The top tier is pinned
 * for the stream figures: its tokens stream live.
 */
export async function benchChatLatency(requests: number, redisUrl: string): Promise<ChatLatencyFigures> {
  const config = loadConfig();
  config.queue.prefix = uniquePrefix('bench-chat');
  config.queue.retentionSeconds = 600;
  config.simulation = { latencyMs: { min: 0, max: 0 }, weakAnswerRate: {}, failureRate: 0 };
  const env = {
    REDIS_URL: redisUrl,
    SWITCHYARD_CONFIG: writeConfigFile(config, 'bench-chat'),
    SWITCHYARD_SIMULATE: '1',
    LOG_LEVEL: 'warn',
  };
  const api = startRole('api', ['api', '--port', '0'], env);
  const executor = startRole(
    'executor',
    ['executor', '--tier', 'simple', '--tier', 'medium', '--tier', 'complex'],
    env,
  );
  try {
    const apiUrl = (await api.waitForLine(/listening on (http:\/\/\S+)/, 90_000))[1] ?? '';
    await executor.waitForLine(/running/, 90_000);
    const call = async (index: number, stream: boolean) => {
      const started = performance.now();
      const response = await fetch(`${apiUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: stream ? 'complex' : 'auto',
          stream,
          messages: [{ role: 'user', content: `What is the capital of country number ${index}?` }],
        }),
      });
      await response.text();
      if (response.status !== 200) throw new Error(`chat completion answered ${response.status}`);
      const ms = performance.now() - started;
      if (!stream && response.headers.get('x-switchyard-escalations') !== '0') escalated += 1;
      return ms;
    };
    let escalated = 0;
    // Warm-up: connections, JIT, BullMQ's first scripts.
    for (let index = 0; index < 20; index += 1) await call(index, index % 2 === 0);
    escalated = 0;
    const plain: number[] = [];
    const stream: number[] = [];
    for (let index = 0; index < requests; index += 1) plain.push(await call(index, false));
    for (let index = 0; index < requests; index += 1) stream.push(await call(index, true));
    return { plain: percentiles(plain), stream: percentiles(stream), plainEscalated: escalated };
  } finally {
    await Promise.all([api.stop(), executor.stop()]);
  }
}
