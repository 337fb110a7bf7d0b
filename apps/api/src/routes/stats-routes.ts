import {
  FeedbackStore,
  qualityMonitor,
  daysBetween,
  groupLedger,
  ledgerGroups,
  readExperiments,
  readLedger,
  readTrafficDrift,
  type LedgerGroup,
  type LedgerTotals,
} from '@switchyard/queue';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../api-context.ts';
import { budgetStatus } from '../budget-gate.ts';
import { ApiError, validationError } from '../api-errors.ts';
import { experimentStats } from './experiment-stats.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day (YYYY-MM-DD)');
export const statsQuerySchema = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  group_by: z.enum(ledgerGroups).default('tier'),
});

const dayMs = 86_400_000;
/** Without `from`, the last 30 days: a month is what a cost review usually asks about. */
const defaultDays = 30;

/**
 * `GET /v1/stats`: totals from the cost ledger (UTC days, both ends included), over everything and
 * per `group_by` value, with each group's share of the requests and its escalation rate.
 */
export function registerStatsRoutes(app: FastifyInstance, context: ApiContext): void {
  const feedback = new FeedbackStore(
    context.runtime.redis,
    context.runtime.keys,
    context.config.feedback.retentionDays * 86_400,
  );
  app.get('/v1/stats', async (request, reply) => {
    const parsed = statsQuerySchema.safeParse(request.query);
    if (!parsed.success) throw validationError(parsed.error.issues);
    const now = Date.now();
    const to = parsed.data.to ?? new Date(now).toISOString().slice(0, 10);
    const from =
      parsed.data.from ??
      new Date(Date.parse(`${to}T00:00:00Z`) - (defaultDays - 1) * dayMs).toISOString().slice(0, 10);
    let days: string[];
    try {
      days = daysBetween(from, to);
    } catch (error) {
      throw new ApiError('invalid_range', (error as Error).message);
    }
    const groupBy: LedgerGroup = parsed.data.group_by;
    // An admin key sees every key's totals; a client key only its own.
    const { keyId, role } = request.principal;
    const onlyKey = role === 'admin' ? undefined : keyId;
    const cells = await readLedger(context.runtime.redis, context.runtime.keys, days, onlyKey);
    const { total, groups } = groupLedger(cells, groupBy);
    return reply.send({
      object: 'switchyard.stats',
      from,
      to,
      group_by: groupBy,
      total: withRates(total, total.requests),
      // The quality monitor: feedback (and judge scores) per tier and route, over the same days.
      quality: { lowScore: context.config.feedback.lowScore, ...qualityMonitor(await feedback.read(days, onlyKey)) },
      // The last hour's share of requests per tier against the last 24 hours' (not bound to from/to).
      drift: {
        warnShift: context.config.ledger.drift.warnShift,
        ...(await readTrafficDrift(context.runtime.redis, context.runtime.keys, now, onlyKey)),
      },
      // Both arms of every experiment, over the same days: cost, escalations, feedback and judge scores.
      experiments: experimentStats(
        context.config,
        await readExperiments(context.runtime.redis, context.runtime.keys, days, onlyKey),
        await feedback.readExperiments(days, onlyKey),
      ),
      budgets: await budgetStatus(context.budgets, onlyKey === undefined ? context.budgets.keyIds : [onlyKey]),
      groups: Object.fromEntries(
        Object.entries(groups).map(([name, totals]) => [name, withRates(totals, total.requests)]),
      ),
    });
  });
}

/** A group's figures plus its share of all requests and its escalation rate (escalations per attempt made on it). */
function withRates(totals: LedgerTotals, allRequests: number) {
  return {
    ...totals,
    requestShare: allRequests > 0 ? totals.requests / allRequests : 0,
    escalationRate: totals.attempts > 0 ? totals.escalations / totals.attempts : 0,
    savedPercent: totals.baselineUsd > 0 ? (100 * totals.savedUsd) / totals.baselineUsd : 0,
  };
}
