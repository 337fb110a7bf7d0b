import { apiListeningLine } from '@switchyard/api';
import { boot, printLine, serveUntilStopped, simulationNotice, type CommonFlags } from '@switchyard/bootstrap';
import { TierLadder } from '@switchyard/core';
import { executorsRunningLine } from '@switchyard/executor';
import { ensureRedis } from '../ensure-redis.ts';
import { startRoles } from '../roles.ts';

/**
 * `switchyard start`: every role in one process until SIGINT/SIGTERM, for local use, starting
 * Redis itself when none answers. The single roles (`api`, `classifier`, `executor`) are each
 * app's own entry point, which containers run and which expect Redis to be provided.
 */
export async function start(flags: CommonFlags): Promise<void> {
  const context = boot(flags);
  const say = printLine;
  const notice = simulationNotice(context);
  if (notice !== undefined) say(notice);
  const tiers = [...new TierLadder(context.config).names];
  const redis = await ensureRedis(context.env.redisUrl, '.switchyard/redis', say);
  const running = await startRoles(context, { api: true, classifier: true, executors: tiers });
  say(apiListeningLine(context, running.apiUrl ?? ''));
  say(executorsRunningLine(tiers));
  say('Classifier running');
  if (running.metricsUrl !== undefined) say(`Worker metrics and health on ${running.metricsUrl}`);
  await serveUntilStopped(running, say, context.config.shutdown.deadlineMs);
  await redis?.stop();
}
