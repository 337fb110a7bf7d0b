import { readTrafficDrift, type TrafficDrift } from '@switchyard/queue';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.ts';

/**
 * Every `ledger.drift.checkSeconds`, compares each tier's share of the last hour's requests with
 * its share of the last day's and logs a warning naming the tiers that moved past `warnShift`
 * (with at least `minRequests` in the last hour). Each API instance checks on its own, over the
 * whole deployment's ledger; returns the check so a test can run it on cue.
 */
export function watchDrift(app: FastifyInstance, context: ApiContext): () => Promise<TrafficDrift | undefined> {
  const { warnShift, minRequests, checkSeconds } = context.config.ledger.drift;
  const check = async (): Promise<TrafficDrift | undefined> => {
    if (context.runtime.redis.status !== 'ready') return undefined;
    const drift = await readTrafficDrift(context.runtime.redis, context.runtime.keys);
    if (drift.lastHour.requests < minRequests) return drift;
    const moved = Object.entries(drift.shift).filter(([, shift]) => Math.abs(shift) > warnShift);
    if (moved.length > 0) {
      context.logger.warn(
        {
          tiers: Object.fromEntries(
            moved.map(([tier, shift]) => [
              tier,
              { lastHour: drift.lastHour.shares[tier] ?? 0, lastDay: drift.lastDay.shares[tier] ?? 0, shift },
            ]),
          ),
          lastHourRequests: drift.lastHour.requests,
          lastDayRequests: drift.lastDay.requests,
          warnShift,
        },
        `traffic drift: ${moved.map(([tier, shift]) => describeShift(tier, shift)).join(', ')} ` +
          'in the last hour against the last day',
      );
    }
    return drift;
  };
  if (checkSeconds > 0) {
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        check().catch((error: unknown) => context.logger.warn({ err: error }, 'traffic drift check failed'));
      }, checkSeconds * 1_000);
      timer.unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  }
  return check;
}

const describeShift = (tier: string, shift: number) =>
  `${tier} ${shift > 0 ? '+' : ''}${Math.round(shift * 100)} points`;
