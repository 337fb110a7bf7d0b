import { Worker } from 'node:worker_threads';
import { loadConfig } from '@switchyard/core';
import { uniquePrefix } from '@switchyard/testkit';
import { startRole } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

export interface ValidationFigures {
  name: string;
  bodyMb: number;
  status: number;
  errorBodyBytes: number;
  answerMs: number;
  /** Slowest `/healthz` round trip while the invalid batch was being refused. */
  worstHealthzMs: number;
}

/** The invalid batches that once froze the API (issue: 101 MB error bodies, `/healthz` blocked for seconds). */
const repeated = (count: number, item: string) => `[${Array.from({ length: count }, () => item).join(',')}]`;
const messagesOf = (count: number, message: unknown) =>
  `{"messages":${JSON.stringify(Array.from({ length: count }, () => message))}}`;
const cases: { name: string; body: () => string }[] = [
  {
    name: '10,000 items x 50 bad messages',
    body: () => repeated(10_000, messagesOf(50, { role: 'robot', content: 1 })),
  },
  { name: '10,000 items x 400 empty messages', body: () => repeated(10_000, messagesOf(400, {})) },
  { name: '10,000 items x 1,000 empty messages', body: () => repeated(10_000, messagesOf(1_000, {})) },
  {
    name: 'one item with a 10 MB prompt',
    body: () => repeated(1, messagesOf(1, { role: 'user', content: 'x'.repeat(10_485_760) })),
  },
  {
    name: 'one item with 100,000 messages',
    body: () => repeated(1, messagesOf(100_000, { role: 'user', content: 'hi' })),
  },
];

const pollerSource = `
const { parentPort, workerData } = require('node:worker_threads');
let polling = true;
let worst = 0;
parentPort.once('message', () => { polling = false; });
(async () => {
  while (polling) {
    const started = performance.now();
    await fetch(workerData).then((response) => response.arrayBuffer());
    worst = Math.max(worst, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  parentPort.postMessage(worst);
})();
`;

/**
 * What refusing a hostile batch costs the API process (`switchyard api` as its own process): the
 * answer's size and time, and the slowest `/healthz` answer meanwhile, polled every 20 ms. Nothing
 * is written to Redis: validation refuses each batch before that.
 */
export async function benchValidation(redisUrl: string): Promise<ValidationFigures[]> {
  const config = loadConfig();
  config.queue.prefix = uniquePrefix('bench-validation');
  const env = {
    REDIS_URL: redisUrl,
    SWITCHYARD_CONFIG: writeConfigFile(config, 'bench-validation'),
    SWITCHYARD_SIMULATE: '1',
    LOG_LEVEL: 'warn',
  };
  const api = startRole('api', ['api', '--port', '0'], env);
  const figures: ValidationFigures[] = [];
  try {
    const apiUrl = (await api.waitForLine(/listening on (http:\/\/\S+)/))[1] ?? '';
    for (const { name, body: build } of cases) {
      const body = build();
      // The poller runs on its own thread: this one is busy sending the body and would delay it.
      const poller = new Worker(pollerSource, { eval: true, workerData: `${apiUrl}/healthz` });
      const worst = new Promise<number>((resolve) => poller.once('message', resolve));
      await new Promise((resolve) => poller.once('online', resolve));
      const started = performance.now();
      const response = await fetch(`${apiUrl}/v1/batches`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const answer = await response.text();
      const answerMs = performance.now() - started;
      poller.postMessage('stop');
      const worstHealthzMs = await worst;
      await poller.terminate();
      figures.push({
        name,
        bodyMb: Math.round(body.length / 104_857.6) / 10,
        status: response.status,
        errorBodyBytes: answer.length,
        answerMs: Math.round(answerMs),
        worstHealthzMs: Math.round(worstHealthzMs),
      });
    }
  } finally {
    await api.stop();
  }
  return figures;
}

export function formatValidationFigures(figures: readonly ValidationFigures[]): string {
  return figures
    .map(
      (figure) =>
        `validation: ${figure.name} (${figure.bodyMb} MB): ${figure.status} in ${figure.answerMs} ms, ` +
        `error body ${figure.errorBodyBytes} bytes, slowest /healthz meanwhile ${figure.worstHealthzMs} ms`,
    )
    .join('\n');
}
