import { TierLadder } from '@switchyard/core';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../api-client.ts';
import { boot, simulationNotice, type CommonFlags } from '@switchyard/bootstrap';
import { ensureRedis } from '../ensure-redis.ts';
import { createProgressBar } from '../progress-bar.ts';
import { readBatchFile } from '../prompt-file.ts';
import { buildReport, formatReport } from '../report.ts';
import { startRoles } from '../roles.ts';

export const sampleBatchPath = fileURLToPath(new URL('../../data/sample-batch.jsonl', import.meta.url));

/** Starts the whole stack, runs the sample batch through it, prints the report and stops. */
export async function demo(
  flags: CommonFlags & { file?: string | undefined; json?: boolean | undefined },
): Promise<void> {
  // The demo talks to its own API only, so any free port on loopback does (8080 may be taken),
  // and only warnings are logged so that the progress bar and the report stay readable.
  const context = boot({ ...flags, port: flags.port ?? '0' }, { logLevel: 'warn' });
  context.config.api.host = '127.0.0.1';
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    simulationNotice(context) ?? 'Using the configured providers: answers come from real models and cost real money.',
  );
  const items = readBatchFile(flags.file ?? sampleBatchPath);
  const redis = await ensureRedis(context.env.redisUrl, '.switchyard/redis', say);
  const ladder = new TierLadder(context.config);
  const running = await startRoles(context, { api: true, classifier: true, executors: [...ladder.names] });
  try {
    const client = new ApiClient(running.apiUrl ?? '');
    say(`Stack running: API on ${running.apiUrl}, classifier, executors for ${ladder.names.join(', ')}.`);
    const batch = await client.submitBatch(items);
    say(`Submitted batch ${batch.id} with ${batch.total} requests.`);
    const bar = createProgressBar(process.stdout);
    await client.followBatch(batch.id, (status) => bar.update(status));
    bar.finish();
    const report = buildReport(await client.results(batch.id));
    say('');
    say(flags.json === true ? JSON.stringify(report, null, 2) : formatReport(report, ladder.names));
  } finally {
    await running.close();
    await redis.stop();
  }
}
