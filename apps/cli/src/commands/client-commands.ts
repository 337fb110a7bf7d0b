import { TierLadder } from '@switchyard/core';
import { ApiClient } from '../api-client.ts';
import { boot, type CommonFlags } from '@switchyard/bootstrap';
import { createProgressBar } from '../progress-bar.ts';
import { readBatchFile } from '../prompt-file.ts';
import { buildReport, formatReport } from '../report.ts';
import { formatExperimentReport } from '../experiment-report.ts';
import { formatStatsReport } from '../stats-report.ts';

export interface ClientFlags extends CommonFlags {
  api?: string | undefined;
  'api-key'?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  by?: string | undefined;
  experiment?: string | undefined;
  json?: boolean | undefined;
  wait?: boolean | undefined;
}

/** The API's address (`--api`, else the configured port on this machine) and key (`--api-key`, else the env). */
function clientFor(flags: ClientFlags): { client: ApiClient; tiers: readonly string[] } {
  const context = boot(flags);
  const url = flags.api ?? `http://127.0.0.1:${context.config.api.port}`;
  const apiKey = flags['api-key'] ?? process.env.SWITCHYARD_API_KEY;
  return { client: new ApiClient(url, apiKey), tiers: new TierLadder(context.config).names };
}

const print = (text: string) => process.stdout.write(`${text}\n`);

export async function submit(file: string | undefined, flags: ClientFlags): Promise<void> {
  if (file === undefined) throw new Error('submit needs a file: switchyard submit <prompts.jsonl>');
  const { client } = clientFor(flags);
  const batch = await client.submitBatch(readBatchFile(file));
  print(flags.json === true ? JSON.stringify(batch) : `Submitted batch ${batch.id} with ${batch.total} requests.`);
  if (flags.wait !== true) return;
  const bar = createProgressBar(process.stderr);
  await client.followBatch(batch.id, (status) => bar.update(status));
  bar.finish();
}

export async function status(batchId: string | undefined, flags: ClientFlags): Promise<void> {
  if (batchId === undefined) throw new Error('status needs a batch id: switchyard status <batch-id>');
  const { client } = clientFor(flags);
  const batchStatus = await client.batchStatus(batchId);
  if (flags.json === true) {
    print(JSON.stringify(batchStatus));
    return;
  }
  const { counts } = batchStatus;
  print(`${batchStatus.id}: ${batchStatus.status}, ${counts.completed + counts.failed}/${batchStatus.total} done`);
  print(
    `  queued ${counts.queued}, routed ${counts.routed}, running ${counts.running}, ` +
      `completed ${counts.completed}, failed ${counts.failed}`,
  );
}

export async function results(batchId: string | undefined, flags: ClientFlags): Promise<void> {
  if (batchId === undefined) throw new Error('results needs a batch id: switchyard results <batch-id>');
  const { client } = clientFor(flags);
  for (const line of await client.results(batchId)) print(JSON.stringify(line));
}

/**
 * `report BATCH_ID`: one batch from its results; `report [--from --to --by]`: the cost ledger;
 * `report --experiment NAME [--from --to]`: the experiment's two arms from the ledger.
 */
export async function report(batchId: string | undefined, flags: ClientFlags): Promise<void> {
  if (flags.experiment !== undefined && batchId !== undefined)
    throw new Error('report --experiment reads the ledger of every request: leave out the batch id');
  const { client, tiers } = clientFor(flags);
  if (flags.experiment !== undefined) {
    const name = flags.experiment;
    const stats = await client.stats({ from: flags.from, to: flags.to });
    const experiment = stats.experiments?.[name];
    if (experiment === undefined) {
      const known = Object.keys(stats.experiments ?? {});
      throw new Error(
        `no experiment "${name}" in the config or the ledger from ${stats.from} to ${stats.to} ` +
          `(experiments: ${known.length === 0 ? 'none' : known.join(', ')})`,
      );
    }
    print(
      flags.json === true
        ? JSON.stringify({ name, from: stats.from, to: stats.to, ...experiment })
        : formatExperimentReport(name, experiment, stats.from, stats.to),
    );
    return;
  }
  if (batchId === undefined) {
    const stats = await client.stats({ from: flags.from, to: flags.to, groupBy: flags.by });
    print(
      flags.json === true ? JSON.stringify(stats) : formatStatsReport(stats, stats.group_by === 'tier' ? tiers : []),
    );
    return;
  }
  const built = buildReport(await client.results(batchId));
  print(flags.json === true ? JSON.stringify(built) : formatReport(built, tiers));
}
