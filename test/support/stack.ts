import type { SwitchyardConfig } from '@switchyard/core';
import { createRedis } from '@switchyard/queue';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes `config` as a config file in a fresh temporary folder, for child processes to load. */
export function writeConfigFile(config: SwitchyardConfig, label: string): string {
  const path = join(mkdtempSync(join(tmpdir(), `switchyard-${label}-`)), 'switchyard.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

export interface CompletionCounter {
  /** Completion events heard, by request id: exactly-once means every count is 1. */
  counts: Map<string, number>;
  close(): void;
}

/** Counts the completion events on `channel` (`KeySpace.eventsChannel`), from any process. */
export async function countCompletions(redisUrl: string, channel: string): Promise<CompletionCounter> {
  const subscriber = createRedis(redisUrl, 'subscriber', 'switchyard-test-completions');
  const counts = new Map<string, number>();
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const { requestId } = JSON.parse(message) as { requestId: string };
    counts.set(requestId, (counts.get(requestId) ?? 0) + 1);
  });
  await subscriber.subscribe(channel);
  return { counts, close: () => subscriber.disconnect() };
}
