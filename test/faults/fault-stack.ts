import type { SwitchyardConfig } from '@switchyard/core';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { countCompletions, writeConfigFile, type CompletionCounter } from '../support/stack.ts';

export interface ResultLine {
  id: string;
  custom_id: string | null;
  status: string;
  tier: string | null;
  /** `provider/model` that gave the final answer. */
  model?: string | null;
  error?: { code: string; message: string } | null;
}

/** The roles of a fault test, each its own process, and the client side of the API. */
export interface FaultStack {
  apiUrl: string;
  roles: RoleProcess[];
  completions: CompletionCounter;
  /** Starts one more role with the stack's environment. */
  start(name: string, args: string[]): RoleProcess;
  /** Submits `count` chat requests as one batch; returns its id. */
  submitBatch(count: number, prompt?: (index: number) => string): Promise<string>;
  /** Reads the batch's progress stream until it says `done`, then every result line. */
  results(batchId: string): Promise<ResultLine[]>;
  /** Reads the batch's progress stream until `counts` satisfy `ready`. */
  progressUntil(batchId: string, ready: (counts: Record<string, number>) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** Questions of several kinds, so that a batch spreads over the tiers and escalates some. */
const defaultPrompt = (index: number) =>
  index % 3 === 0
    ? `hi number ${index}`
    : `Explain, in a few paragraphs, idea number ${index} of distributed queues and their failure modes.`;

/**
 * The API, the classifier and one executor process per entry of `executors` (each a list of
 * tiers), started as child processes of the real CLI on `config`.
 */
export async function startFaultStack(
  config: SwitchyardConfig,
  options: { redisUrl: string; executors: string[][]; env?: Record<string, string>; executorArgs?: string[] },
): Promise<FaultStack> {
  const env = {
    REDIS_URL: options.redisUrl,
    SWITCHYARD_CONFIG: writeConfigFile(config, 'faults'),
    SWITCHYARD_SIMULATE: '1',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const roles: RoleProcess[] = [];
  const start = (name: string, args: string[]) => {
    const role = startRole(name, args, env);
    roles.push(role);
    return role;
  };
  const completions = await countCompletions(options.redisUrl, `${config.queue.prefix}:events`);
  const api = start('api', ['api', '--port', '0']);
  const workers = [
    start('classifier', ['classifier']),
    ...options.executors.map((tiers, index) =>
      start(`executor-${index}`, [
        'executor',
        ...tiers.flatMap((tier) => ['--tier', tier]),
        ...(options.executorArgs ?? []),
      ]),
    ),
  ];
  const apiUrl = (await api.waitForLine(/listening on (http:\/\/\S+)/))[1] ?? '';
  await Promise.all(workers.map((worker) => worker.waitForLine(/running/)));

  async function progressUntil(batchId: string, ready: (counts: Record<string, number>) => boolean) {
    const response = await fetch(`${apiUrl}/v1/batches/${batchId}/events`);
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no progress stream');
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`progress stream of ${batchId} ended early: ${buffer.slice(-500)}`);
        buffer += decoder.decode(chunk.value, { stream: true });
        const events = buffer.split('\n\n');
        buffer = events.pop() ?? '';
        for (const event of events) {
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (data === undefined) continue;
          const parsed = JSON.parse(data) as { counts?: Record<string, number> };
          if (parsed.counts !== undefined && ready(parsed.counts)) return;
          if (/^event: done$/m.test(event)) return;
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  return {
    apiUrl,
    roles,
    completions,
    start,
    async submitBatch(count, prompt = defaultPrompt) {
      const items = Array.from({ length: count }, (_, index) => ({
        custom_id: `c${index}`,
        messages: [{ role: 'user', content: prompt(index) }],
      }));
      const created = await fetch(`${apiUrl}/v1/batches`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(items),
      });
      if (created.status >= 300) throw new Error(`batch refused: ${created.status} ${await created.text()}`);
      return ((await created.json()) as { id: string }).id;
    },
    progressUntil,
    async results(batchId) {
      // Right after a Redis outage the API answers 503 until its connection is back; a client retries.
      let response = await fetch(`${apiUrl}/v1/batches/${batchId}/events`);
      for (let tries = 0; response.status === 503 && tries < 100; tries += 1) {
        await response.text();
        await new Promise((resolve) => setTimeout(resolve, 200));
        response = await fetch(`${apiUrl}/v1/batches/${batchId}/events`);
      }
      const done = await response.text();
      if (!done.includes('event: done')) throw new Error(`progress stream ended without done: ${done.slice(-500)}`);
      const text = await (await fetch(`${apiUrl}/v1/batches/${batchId}/results`)).text();
      return text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as ResultLine);
    },
    async close() {
      await Promise.all(roles.map((role) => role.stop()));
      completions.close();
    },
  };
}

/** Lines of a process's standard error that are not one JSON object each: its log must have none. */
export function nonJsonLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        return typeof parsed !== 'object' || parsed === null;
      } catch {
        return true;
      }
    });
}
