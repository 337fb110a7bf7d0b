import { TierLadder } from '@switchyard/core';
import { boot, simulationNotice, type CommonFlags } from '../bootstrap.ts';
import { ensureRedis } from '../ensure-redis.ts';
import { startRoles, type RoleSelection } from '../roles.ts';
import { stopRequested } from '../shutdown.ts';

export type ServeRole = 'start' | 'api' | 'classifier' | 'executor';

/**
 * Runs one role (or, for `start`, every role) until SIGINT/SIGTERM. `start` is for local use
 * and starts Redis itself when none answers; the single roles are what containers run and
 * expect Redis to be provided.
 */
export async function serve(role: ServeRole, flags: CommonFlags & { tier?: string[] | undefined }): Promise<void> {
  const context = boot(flags);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const notice = role === 'api' || role === 'classifier' ? undefined : simulationNotice(context);
  if (notice !== undefined) say(notice);
  const ladder = new TierLadder(context.config);
  const selection: RoleSelection = {};
  if (role === 'start') Object.assign(selection, { api: true, classifier: true, executors: [...ladder.names] });
  if (role === 'api') selection.api = true;
  if (role === 'classifier') selection.classifier = true;
  if (role === 'executor') {
    const tiers = flags.tier ?? [];
    if (tiers.length === 0) throw new Error(`executor needs --tier <name> (tiers: ${ladder.names.join(', ')})`);
    for (const tier of tiers)
      if (!ladder.has(tier)) throw new Error(`--tier: unknown tier "${tier}" (tiers: ${ladder.names.join(', ')})`);
    selection.executors = tiers;
  }
  const redis = role === 'start' ? await ensureRedis(context.env.redisUrl, '.switchyard/redis', say) : undefined;
  const running = await startRoles(context, selection);
  if (running.apiUrl !== undefined)
    say(`Switchyard API listening on ${running.apiUrl} (queue prefix "${context.config.queue.prefix}")`);
  if (selection.executors !== undefined) say(`Executors running for tier(s): ${selection.executors.join(', ')}`);
  if (selection.classifier === true) say('Classifier running');
  if (running.metricsUrl !== undefined) say(`Worker metrics and health on ${running.metricsUrl}`);

  await stopRequested();
  say('Stopping...');
  await running.close();
  await redis?.stop();
}
