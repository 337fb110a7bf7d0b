import type { ConnectionLogger } from './connection-errors.ts';
import type { RedisClient } from './redis-connection.ts';

export type EvictionPolicyCheck = 'refuse' | 'warn';

/** Why the check exists, in the words a start-up error and a warning both use. */
const why =
  'an evicting Redis deletes keys under memory pressure: queued jobs and request records vanish without an error';

/**
 * Start-up check that Redis will not evict Switchyard's keys (`maxmemory-policy noeviction`).
 * With `refuse`, another policy stops the process with the reason; with `warn`, it is logged.
 * Managed Redis services often refuse `CONFIG` (renamed or forbidden): the policy cannot be read
 * then, which is a warning in both modes rather than a refusal to run at all. On a cluster every
 * primary is asked: each holds its own share of the queues.
 */
export async function checkEvictionPolicy(
  redis: RedisClient,
  mode: EvictionPolicyCheck,
  logger: ConnectionLogger,
): Promise<void> {
  const nodes = 'nodes' in redis && typeof redis.nodes === 'function' ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    const options = node.options as { host?: string; port?: number };
    const where = `${options.host ?? '?'}:${options.port ?? '?'}`;
    let policy: string | undefined;
    try {
      const answer = (await node.config('GET', 'maxmemory-policy')) as string[];
      policy = answer[1];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn(
        { redis: where, error: message },
        `could not read Redis maxmemory-policy (CONFIG refused); make sure it is noeviction: ${why}`,
      );
      continue;
    }
    if (policy === undefined || policy === 'noeviction') continue;
    const problem = `Redis at ${where} has maxmemory-policy ${policy}, not noeviction: ${why}`;
    if (mode === 'refuse')
      throw new Error(
        `${problem}. Set "maxmemory-policy noeviction" (infra/redis/redis.conf does), ` +
          'or queue.evictionPolicyCheck: warn to start anyway.',
      );
    logger.warn({ redis: where, policy }, problem);
  }
}
