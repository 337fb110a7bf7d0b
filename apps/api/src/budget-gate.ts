import {
  mostThinkingTokens,
  type BudgetConfig,
  type ChatRequest,
  type SwitchyardConfig,
  type TierLadder,
} from '@switchyard/core';
import type { Logger } from '@switchyard/observability';
import type { BudgetHold, BudgetSpend, BudgetStore } from '@switchyard/queue';
import { ApiError } from './api-errors.ts';

/** What an admitted request carries onto its record. */
export interface Admission {
  hold: BudgetHold;
  /** Set in `cap` mode over budget: the highest tier the request may use. */
  budgetMaxTier?: string;
}

const nano = 1e9;
/**
 * Tokens are estimated high on purpose, so that a reservation covers the real cost: UTF-8 bytes
 * / 2 for the prompt (tokenisers average about 4 bytes per token in English, 2-3 in code and
 * other scripts), the whole output limit for the answer.
 */
const bytesPerToken = 2;

const usd = (nanoUsd: number) => `$${(nanoUsd / nano).toFixed(4)}`;

/** Start of the next UTC day or month: when a daily or monthly budget starts over. */
export function resetAt(period: 'daily' | 'monthly', now = new Date()): string {
  const next =
    period === 'daily'
      ? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)
      : Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return new Date(next).toISOString();
}

/**
 * Budgets per API key, checked before a request is accepted: an estimate of the most the request
 * can cost is reserved atomically in Redis (every API process shares the counters), and the
 * process that finishes the record replaces it by the real cost. Concurrent requests therefore
 * cannot overspend by more than the estimates' shortfall of the requests in flight.
 */
export class BudgetGate {
  private readonly config: SwitchyardConfig;
  private readonly ladder: TierLadder;
  private readonly store: BudgetStore;
  private readonly logger: Logger;

  constructor(config: SwitchyardConfig, ladder: TierLadder, store: BudgetStore, logger: Logger) {
    this.config = config;
    this.ladder = ladder;
    this.store = store;
    this.logger = logger;
  }

  budgetOf(keyId: string): BudgetConfig | undefined {
    return this.config.budgets[keyId];
  }

  /** The keys that have a budget. */
  get keyIds(): string[] {
    return Object.keys(this.config.budgets);
  }

  spend(keyId: string): Promise<{ daily: BudgetSpend; monthly: BudgetSpend }> {
    return this.store.spend(keyId);
  }

  /** Reserves the request's estimate, or answers 402 (`reject`), or lowers its top tier (`cap`). */
  async admit(keyId: string, request: ChatRequest): Promise<Admission | undefined> {
    const budget = this.budgetOf(keyId);
    if (budget === undefined) return undefined;
    const limits = {
      dailyNano: budget.dailyUsd === undefined ? undefined : Math.round(budget.dailyUsd * nano),
      monthlyNano: budget.monthlyUsd === undefined ? undefined : Math.round(budget.monthlyUsd * nano),
    };
    const top = request.max_tier ?? this.ladder.top.name;
    const first = await this.store.reserve(keyId, this.estimateNano(request, top, budget), limits, false);
    if (first.reserved) {
      this.warnPastSoftThreshold(keyId, budget, first.before, first.hold.estimateNano);
      return { hold: first.hold };
    }
    const period = first.over ?? 'daily';
    const figures = first.before[period];
    if (budget.onExceeded === 'reject') {
      const limit = period === 'daily' ? budget.dailyUsd : budget.monthlyUsd;
      throw new ApiError(
        'budget_exceeded',
        `the ${period} budget of $${limit} for key "${keyId}" is used up: spent ${usd(figures.spentNano)}, ` +
          `${usd(figures.reservedNano)} reserved by requests in flight; it resets at ${resetAt(period)}`,
      );
    }
    const capTier = this.ladder.clamp(budget.capTier ?? this.ladder.names[0] ?? top, { max: top });
    const capped = await this.store.reserve(keyId, this.estimateNano(request, capTier, budget), limits, true);
    this.logger.warn({ keyId, period, capTier, spentUsd: figures.spentNano / nano }, 'budget-capped');
    return { hold: capped.hold, budgetMaxTier: capTier };
  }

  /** Gives a reservation back unused (the request was not accepted after all). */
  release(admission: Admission | undefined): Promise<void> {
    return admission === undefined ? Promise.resolve() : this.store.settle(admission.hold, 0);
  }

  /**
   * The most the request can cost when it may climb up to `top`: its token estimate priced on the
   * dearest deployment of each tier (fallback may pick any), over as many of the dearest tiers as
   * it can run on (one plus `cascade.maxEscalations`). A tier that thinks may spend its thinking
   * budget on top of the answer's limit (the largest any route gives it: the route is not known yet).
   */
  private estimateNano(request: ChatRequest, top: string, budget: BudgetConfig): number {
    const inputTokens = Math.ceil(
      request.messages.reduce((sum, message) => sum + Buffer.byteLength(message.content, 'utf8'), 0) / bytesPerToken,
    );
    const perTier = this.ladder.tiers.slice(0, this.ladder.indexOf(top) + 1).map((tier) => {
      const thinkingTokens = mostThinkingTokens(tier, this.config.routes);
      return Math.max(
        ...tier.deployments.map((deployment) => {
          const answerTokens = request.max_tokens ?? deployment.maxOutputTokens ?? budget.estimateOutputTokens;
          return inputTokens * deployment.inputPerMTok + (answerTokens + thinkingTokens) * deployment.outputPerMTok;
        }),
      );
    });
    const runs = perTier.sort((a, b) => b - a).slice(0, this.config.cascade.maxEscalations + 1);
    // Prices are per million tokens; nano-dollars are 1e9 per dollar.
    return runs.reduce((sum, cost) => sum + cost, 0) * (nano / 1e6);
  }

  private warnPastSoftThreshold(
    keyId: string,
    budget: BudgetConfig,
    before: { daily: BudgetSpend; monthly: BudgetSpend },
    estimateNano: number,
  ): void {
    for (const period of ['daily', 'monthly'] as const) {
      const limit = period === 'daily' ? budget.dailyUsd : budget.monthlyUsd;
      if (limit === undefined) continue;
      const used = before[period].spentNano + before[period].reservedNano;
      const soft = budget.softThreshold * limit * nano;
      // Logged once, by the request that crosses the threshold.
      if (used < soft && used + estimateNano >= soft)
        this.logger.warn({ keyId, period, limitUsd: limit, threshold: budget.softThreshold }, 'budget-soft-threshold');
    }
  }
}

/** A key's budgets as stats show them: limit, spent, reserved, share used, past the soft threshold, reset time. */
export async function budgetStatus(gate: BudgetGate, keyIds: readonly string[]) {
  const status: Record<string, unknown> = {};
  for (const keyId of keyIds) {
    const budget = gate.budgetOf(keyId);
    if (budget === undefined) continue;
    const spend = await gate.spend(keyId);
    const period = (name: 'daily' | 'monthly', limit: number | undefined) => {
      if (limit === undefined) return null;
      const spentUsd = spend[name].spentNano / nano;
      const reservedUsd = spend[name].reservedNano / nano;
      const usedShare = (spentUsd + reservedUsd) / limit;
      return {
        limitUsd: limit,
        spentUsd,
        reservedUsd,
        usedShare,
        pastSoftThreshold: usedShare >= budget.softThreshold,
        resetsAt: resetAt(name),
      };
    };
    status[keyId] = {
      onExceeded: budget.onExceeded,
      daily: period('daily', budget.dailyUsd),
      monthly: period('monthly', budget.monthlyUsd),
    };
  }
  return status;
}
