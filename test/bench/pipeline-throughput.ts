import { loadConfig, readEnvironment } from '@switchyard/core';
import { uniquePrefix } from '@switchyard/testkit';
import { startRole } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

export interface PipelineFigures {
  requests: number;
  submitMs: number;
  completeMs: number;
  requestsPerSecond: number;
  resultsStreamMs: number;
}

/**
 * Throughput of the whole request path on this machine: `switchyard start` (api, classifier and
 * three executors in one process) with a zero-latency simulated provider, one batch of
 * `requests` submitted over HTTP, timed from submission to the last completion event.
 * Redis is the one the CLI would use (`REDIS_URL`, default 127.0.0.1:6379), under a fresh prefix.
 */
export async function benchPipeline(requests: number): Promise<PipelineFigures> {
  const config = loadConfig();
  config.queue.prefix = uniquePrefix('bench');
  config.queue.retentionSeconds = 600;
  config.simulation = { latencyMs: { min: 0, max: 0 }, weakAnswerRate: { simple: 0.2, medium: 0.1 }, failureRate: 0 };
  const configPath = writeConfigFile(config, 'bench');
  const env = {
    REDIS_URL: readEnvironment(process.env).redisUrl,
    SWITCHYARD_CONFIG: configPath,
    SWITCHYARD_SIMULATE: '1',
    LOG_LEVEL: 'warn',
  };
  const stack = startRole('start', ['start', '--port', '0'], env);
  try {
    const apiUrl = (await stack.waitForLine(/listening on (http:\/\/\S+)/))[1] ?? '';
    const items = Array.from({ length: requests }, (_, index) => ({
      messages: [
        {
          role: 'user',
          content:
            index % 4 === 0 ? `hello number ${index}` : `Explain idea ${index} of queueing theory in two paragraphs.`,
        },
      ],
    }));
    const submitted = performance.now();
    const response = await fetch(`${apiUrl}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items),
    });
    if (response.status !== 202) throw new Error(`batch rejected: ${response.status} ${await response.text()}`);
    const { id } = (await response.json()) as { id: string };
    const submitMs = performance.now() - submitted;
    await (await fetch(`${apiUrl}/v1/batches/${id}/events`)).text();
    const completeMs = performance.now() - submitted;
    const streamed = performance.now();
    await (await fetch(`${apiUrl}/v1/batches/${id}/results`)).text();
    return {
      requests,
      submitMs: Math.round(submitMs),
      completeMs: Math.round(completeMs),
      requestsPerSecond: Math.round((requests / completeMs) * 1_000),
      resultsStreamMs: Math.round(performance.now() - streamed),
    };
  } finally {
    await stack.stop();
  }
}
