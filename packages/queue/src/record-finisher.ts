import { BudgetStore, type BudgetHold } from './budget-store.ts';
import type { KeySpace } from './key-space.ts';
import { finishScript } from './record-scripts.ts';
import type { RedisClient } from './redis-connection.ts';

/**
 * Makes request records terminal with one of the finishing scripts (`finishScript`, or
 * `cancelWaitingScript`), then settles the budget reservation of each record it finished.
 */
export class RecordFinisher {
  private readonly redis: RedisClient;
  private readonly keys: KeySpace;
  private readonly retentionSeconds: number;
  /** How long a day's cost ledger is kept after its last write. */
  private readonly ledgerRetentionSeconds: number;
  private readonly budgets: BudgetStore;

  constructor(redis: RedisClient, keys: KeySpace, retentionSeconds: number, ledgerRetentionSeconds: number) {
    this.redis = redis;
    this.keys = keys;
    this.retentionSeconds = retentionSeconds;
    this.ledgerRetentionSeconds = ledgerRetentionSeconds;
    this.budgets = new BudgetStore(redis, keys);
  }

  /** Returns true only for the call that finished the record. */
  async finish(
    requestId: string,
    status: 'completed' | 'failed',
    fields: Record<string, string>,
    script = finishScript,
  ): Promise<boolean> {
    const now = new Date().toISOString();
    const args = Object.entries({ ...fields, updatedAt: now, completedAt: now }).flat();
    const result = (await this.redis.eval(
      script,
      2,
      this.keys.request(requestId),
      this.keys.ledgerOf(requestId, now.slice(0, 10)),
      this.keys.eventsChannel,
      status,
      String(this.retentionSeconds),
      String(this.ledgerRetentionSeconds),
      ...args,
    )) as [number, string, string | null] | number;
    if (!Array.isArray(result)) return false;
    const [, costNano, hold] = result;
    // The request's budget reservation becomes its real cost, once: only the step that finished
    // the record gets the hold back. A process dying right here leaves the estimate reserved
    // until the day's counter expires (one estimate per crash, never an overspend).
    if (typeof hold === 'string') await this.budgets.settle(JSON.parse(hold) as BudgetHold, Number(costNano));
    return true;
  }
}
