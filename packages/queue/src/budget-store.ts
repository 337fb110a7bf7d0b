import { createHash } from 'node:crypto';
import type { KeySpace } from './key-space.ts';
import type { RedisClient } from './redis-connection.ts';

/**
 * KEYS[1] the key's day counters, KEYS[2] its month counters (one hash tag: the key's);
 * ARGV[1] estimate (nano-dollars), ARGV[2] day limit, ARGV[3] month limit (nano, -1 = none),
 * ARGV[4] force (1: reserve even over a limit, for `cap`), ARGV[5] day TTL, ARGV[6] month TTL.
 * Returns { verdict (1 reserved, 0 refused: nothing written), the first budget the estimate
 * breaks ('' none), day spent, day reserved, month spent, month reserved } as they were before.
 */
const reserveScript = `
local estimate = tonumber(ARGV[1])
local over = ''
local figures = {}
for index = 1, 2 do
  local spent = tonumber(redis.call('HGET', KEYS[index], 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', KEYS[index], 'reserved') or '0')
  table.insert(figures, string.format('%.0f', spent))
  table.insert(figures, string.format('%.0f', reserved))
  local limit = tonumber(ARGV[index + 1])
  if limit >= 0 and over == '' and spent + reserved + estimate > limit then
    over = index == 1 and 'daily' or 'monthly'
  end
end
local verdict = 1
if over ~= '' and ARGV[4] ~= '1' then
  verdict = 0
else
  for index = 1, 2 do
    redis.call('HINCRBY', KEYS[index], 'reserved', estimate)
    redis.call('EXPIRE', KEYS[index], tonumber(ARGV[index + 4]))
  end
end
return { verdict, over, figures[1], figures[2], figures[3], figures[4] }
`;

/** KEYS[1] day, KEYS[2] month counters; ARGV[1] reserved nano to release, ARGV[2] actual cost nano to add. */
const settleScript = `
for index = 1, 2 do
  if redis.call('EXISTS', KEYS[index]) == 1 then
    redis.call('HINCRBY', KEYS[index], 'reserved', -tonumber(ARGV[1]))
    redis.call('HINCRBY', KEYS[index], 'spent', tonumber(ARGV[2]))
  end
end
return 1
`;

/** A reservation a request holds until it finishes: where it was made and how much. */
export interface BudgetHold {
  keyId: string;
  day: string;
  month: string;
  estimateNano: number;
}

export interface BudgetLimitsNano {
  dailyNano?: number | undefined;
  monthlyNano?: number | undefined;
}

export interface BudgetSpend {
  spentNano: number;
  reservedNano: number;
}

export interface ReserveOutcome {
  /** False: refused, nothing reserved. */
  reserved: boolean;
  /** Set when the estimate would break a budget (reserved anyway when forced). */
  over?: 'daily' | 'monthly';
  hold: BudgetHold;
  /** The counters before this reservation. */
  before: { daily: BudgetSpend; monthly: BudgetSpend };
}

const dayTtlSeconds = 2 * 86_400;
const monthTtlSeconds = 32 * 86_400;

/** Spend counters per API key, per UTC day and month, shared by every API and executor process. */
export class BudgetStore {
  private readonly redis: RedisClient;
  private readonly keys: KeySpace;

  constructor(redis: RedisClient, keys: KeySpace) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Reserves `estimateNano` against the key's budgets, atomically; `force` reserves even when over (cap mode). */
  async reserve(
    keyId: string,
    estimateNano: number,
    limits: BudgetLimitsNano,
    force: boolean,
    now = new Date(),
  ): Promise<ReserveOutcome> {
    const day = now.toISOString().slice(0, 10);
    const month = day.slice(0, 7);
    const [verdict, over, ...figures] = (await this.redis.eval(
      reserveScript,
      2,
      this.dayKey(keyId, day),
      this.monthKey(keyId, month),
      String(Math.ceil(estimateNano)),
      String(limits.dailyNano ?? -1),
      String(limits.monthlyNano ?? -1),
      force ? '1' : '0',
      String(dayTtlSeconds),
      String(monthTtlSeconds),
    )) as [number, string, string, string, string, string];
    const [daySpent, dayReserved, monthSpent, monthReserved] = figures.map(Number) as [number, number, number, number];
    const outcome: ReserveOutcome = {
      reserved: verdict === 1,
      hold: { keyId, day, month, estimateNano: Math.ceil(estimateNano) },
      before: {
        daily: { spentNano: daySpent, reservedNano: dayReserved },
        monthly: { spentNano: monthSpent, reservedNano: monthReserved },
      },
    };
    if (over === 'daily' || over === 'monthly') outcome.over = over;
    return outcome;
  }

  /** Replaces a reservation by the real cost (0 to just release it). */
  async settle(hold: BudgetHold, actualNano: number): Promise<void> {
    await this.redis.eval(
      settleScript,
      2,
      this.dayKey(hold.keyId, hold.day),
      this.monthKey(hold.keyId, hold.month),
      String(hold.estimateNano),
      String(Math.round(actualNano)),
    );
  }

  async spend(keyId: string, now = new Date()): Promise<{ daily: BudgetSpend; monthly: BudgetSpend }> {
    const day = now.toISOString().slice(0, 10);
    const read = async (key: string) => {
      const hash = await this.redis.hgetall(key);
      return { spentNano: Number(hash.spent ?? 0), reservedNano: Number(hash.reserved ?? 0) };
    };
    return { daily: await read(this.dayKey(keyId, day)), monthly: await read(this.monthKey(keyId, day.slice(0, 7))) };
  }

  private dayKey(keyId: string, day: string): string {
    return this.keys.budget(tagOf(keyId), `day:${day}`);
  }

  private monthKey(keyId: string, month: string): string {
    return this.keys.budget(tagOf(keyId), `month:${month}`);
  }
}

/** Key ids may hold any character, `{` included: the hash tag is a digest of the id. */
const tagOf = (keyId: string) => createHash('sha256').update(keyId).digest('hex').slice(0, 16);
