import {
  boot,
  installSignalHandlers,
  printLine,
  serveUntilStopped,
  simulationNotice,
  type Boot,
  type CommonFlags,
} from '@switchyard/bootstrap';
import { TierLadder, type SwitchyardConfig } from '@switchyard/core';
import { connectQueueRuntime, startWorkerMetricsPort, type QueueRuntime, type WorkerHealth } from '@switchyard/queue';
import { createExecutorBreakers, startExecutor } from './executor.ts';

export interface RunningExecutors {
  tiers: string[];
  /** Whether each tier's worker still takes jobs. */
  health: WorkerHealth[];
  /** Stops taking jobs; in-flight hops finish or are handed back within `deadlineMs` (default: no limit). */
  close(deadlineMs?: number): Promise<void>;
}

/**
 * The worker pools of `tiers` on a worker runtime, sharing one breaker per provider endpoint;
 * resolves once the breakers hear other processes.
 */
export async function startExecutors(
  context: Boot,
  runtime: QueueRuntime,
  tiers: readonly string[],
): Promise<RunningExecutors> {
  const { config } = context;
  const metrics = context.metrics();
  const breakers = createExecutorBreakers({ config, runtime, logger: context.logger('breakers'), metrics });
  const executors = tiers.map((tier) =>
    startExecutor({
      config,
      tier,
      runtime,
      providers: context.providers(),
      breakers,
      logger: context.logger(`executor.${tier}`),
      metrics,
    }),
  );
  await breakers.ready;
  return {
    tiers: [...tiers],
    health: executors.map((executor) => executor.health),
    async close(deadlineMs) {
      await Promise.all(executors.map((executor) => executor.close(deadlineMs)));
      await breakers.close();
    },
  };
}

/** The tiers named by `--tier`, each checked against the config. */
export function selectTiers(config: SwitchyardConfig, requested: readonly string[] | undefined): string[] {
  const ladder = new TierLadder(config);
  const tiers = requested ?? [];
  if (tiers.length === 0) throw new Error(`executor needs --tier <name> (tiers: ${ladder.names.join(', ')})`);
  for (const tier of tiers)
    if (!ladder.has(tier)) throw new Error(`--tier: unknown tier "${tier}" (tiers: ${ladder.names.join(', ')})`);
  return [...tiers];
}

/** The line that says which tiers this process serves. */
export const executorsRunningLine = (tiers: readonly string[]): string =>
  `Executors running for tier(s): ${tiers.join(', ')}`;

/** `switchyard executor --tier NAME...`: the worker pools of some tiers as a process, until SIGINT/SIGTERM. */
export async function runExecutorProcess(
  flags: CommonFlags & { tier?: string[] | undefined },
  say: (line: string) => void = printLine,
): Promise<void> {
  installSignalHandlers();
  const context = boot(flags);
  const notice = simulationNotice(context);
  if (notice !== undefined) say(notice);
  const tiers = selectTiers(context.config, flags.tier);
  // Workers wait for Redis when it is away, so their runtime's connection does.
  const runtime = await connectQueueRuntime(context.config, context.env.redisUrl, 'worker', context.logger('redis'));
  const executors = await startExecutors(context, runtime, tiers);
  say(executorsRunningLine(tiers));
  const port = await startWorkerMetricsPort(context.config, runtime, context.metrics(), executors.health);
  if (port !== undefined) say(`Worker metrics and health on ${port.url}`);
  await serveUntilStopped(
    {
      async close(deadlineMs) {
        await port?.close();
        await executors.close(deadlineMs);
        await runtime.close();
      },
    },
    say,
    context.config.shutdown.deadlineMs,
  );
}
