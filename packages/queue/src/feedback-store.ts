import type { ExperimentArm } from '@switchyard/core';
import { ledgerShards, type KeySpace } from './key-space.ts';
import type { RedisClient } from './redis-connection.ts';

/** Feedback on one finished request, as stored beside its record. */
export interface StoredFeedback {
  score: number;
  thumbs?: 'up' | 'down';
  comment?: string;
  givenAt: string;
  /** The tier and route the feedback was counted on (the answering tier; `none` when nothing answered). */
  tier: string;
  route: string;
  low: boolean;
  suspectedMisroute: boolean;
}

/** What a feedback is counted on: the request and where it was served. */
export interface FeedbackTarget {
  requestId: string;
  keyId: string;
  /** The record's `createdAt`: totals are kept on the request's day, so a replaced feedback lands in the same hash. */
  createdAt: string;
  tier: string;
  route: string;
  /** The experiment arm of the request's decision: its feedback counts there too. */
  experiment?: ExperimentArm | undefined;
}

const escapeName = (value: string) =>
  value.replace(/[%|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const decodeName = (value: string) =>
  value.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/**
 * KEYS[1] the request's feedback, KEYS[2] the quality totals of its shard and day. ARGV[1] the new
 * feedback (JSON), ARGV[2] its retention seconds, ARGV[3] `tier|route|key`, ARGV[4] score in
 * micro-units, ARGV[5] low (0/1), ARGV[6] suspected misroute (0/1), ARGV[7] the totals' retention,
 * ARGV[8] the experiment's `name|arm` ('' for none), ARGV[9] the key.
 * A replaced feedback takes its old figures out of the totals in the same step: a request counts
 * once. The experiment figures (`exp|name|arm|metric|key`) are taken out from the arm the old
 * feedback was counted in, as stored with it. Returns 1 for a new feedback, 0 for a replaced one.
 */
const giveFeedbackLua = `
local cell = ARGV[3]
local function experiment(arm, metric, amount)
  if arm and arm ~= '' then redis.call('HINCRBY', KEYS[2], 'exp|' .. arm .. '|' .. metric .. '|' .. ARGV[9], amount) end
end
local old = redis.call('GET', KEYS[1])
local replaced = 0
if old then
  local previous = cjson.decode(old)
  local arm = previous.experimentCell
  if type(arm) ~= 'string' then arm = nil end
  replaced = 1
  redis.call('HINCRBY', KEYS[2], 'scoreMicro|' .. cell, -previous.scoreMicro)
  experiment(arm, 'feedback', -1)
  experiment(arm, 'scoreMicro', -previous.scoreMicro)
  if previous.low then
    redis.call('HINCRBY', KEYS[2], 'low|' .. cell, -1)
    experiment(arm, 'low', -1)
  end
  if previous.suspectedMisroute then
    redis.call('HINCRBY', KEYS[2], 'misroutes|' .. cell, -1)
    experiment(arm, 'misroutes', -1)
  end
else
  redis.call('HINCRBY', KEYS[2], 'feedback|' .. cell, 1)
end
experiment(ARGV[8], 'feedback', 1)
redis.call('HINCRBY', KEYS[2], 'scoreMicro|' .. cell, tonumber(ARGV[4]))
experiment(ARGV[8], 'scoreMicro', tonumber(ARGV[4]))
if ARGV[5] == '1' then
  redis.call('HINCRBY', KEYS[2], 'low|' .. cell, 1)
  experiment(ARGV[8], 'low', 1)
end
if ARGV[6] == '1' then
  redis.call('HINCRBY', KEYS[2], 'misroutes|' .. cell, 1)
  experiment(ARGV[8], 'misroutes', 1)
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[7]))
return 1 - replaced
`;

/** The quality totals of one tier × route × key. */
export interface QualityCell {
  tier: string;
  route: string;
  key: string;
  counters: Record<string, number>;
}

/**
 * Feedback on finished requests and the quality totals it feeds (per day × tier × route × key):
 * `feedback` count, `scoreMicro` sum of scores, `low` below the threshold, `misroutes` (low on a
 * tier under the top), and the judge's `judgeCount` / `judgeMicro` when a judge scores an answer.
 */
export class FeedbackStore {
  private readonly redis: RedisClient;
  private readonly keys: KeySpace;
  private readonly retentionSeconds: number;

  constructor(redis: RedisClient, keys: KeySpace, retentionSeconds: number) {
    this.redis = redis;
    this.keys = keys;
    this.retentionSeconds = retentionSeconds;
  }

  async get(requestId: string): Promise<StoredFeedback | undefined> {
    const raw = await this.redis.get(this.keys.feedback(requestId));
    return raw === null ? undefined : (JSON.parse(raw) as StoredFeedback);
  }

  /** Stores (or replaces) the feedback and adds it to the totals; `replaced` when there was one. */
  async give(target: FeedbackTarget, feedback: StoredFeedback): Promise<{ replaced: boolean }> {
    const scoreMicro = Math.round(feedback.score * 1e6);
    const experimentCell = experimentCellOf(target);
    const result = await this.redis.eval(
      giveFeedbackLua,
      2,
      this.keys.feedback(target.requestId),
      this.keys.qualityOf(target.requestId, target.createdAt.slice(0, 10)),
      JSON.stringify({ ...feedback, scoreMicro, experimentCell }),
      String(this.retentionSeconds),
      cellOf(target),
      String(scoreMicro),
      feedback.low ? '1' : '0',
      feedback.suspectedMisroute ? '1' : '0',
      String(this.retentionSeconds),
      experimentCell,
      escapeName(target.keyId),
    );
    return { replaced: Number(result) === 0 };
  }

  /** Adds a judge's score (0..1) of a request's answer to the quality totals. */
  async addJudgeScore(target: FeedbackTarget, score: number): Promise<void> {
    if (!(score >= 0 && score <= 1)) throw new RangeError(`judge score ${score} is not within 0..1`);
    const key = this.keys.qualityOf(target.requestId, target.createdAt.slice(0, 10));
    const cell = cellOf(target);
    const micro = Math.round(score * 1e6);
    const steps = this.redis.multi().hincrby(key, `judgeCount|${cell}`, 1).hincrby(key, `judgeMicro|${cell}`, micro);
    const arm = experimentCellOf(target);
    if (arm !== '') {
      const keyId = escapeName(target.keyId);
      steps.hincrby(key, `exp|${arm}|judgeCount|${keyId}`, 1).hincrby(key, `exp|${arm}|judgeMicro|${keyId}`, micro);
    }
    await steps.expire(key, this.retentionSeconds).exec();
  }

  /** The quality cells of the given days (every shard), optionally only one key's. */
  async read(days: readonly string[], onlyKey?: string): Promise<QualityCell[]> {
    const cells = new Map<string, QualityCell>();
    for (const [field, value] of await this.fields(days)) {
      // A cell's field is exactly `metric|tier|route|key`; the experiments' figures are read apart.
      const parts = field.split('|');
      if (parts.length !== 4 || parts[0] === 'exp') continue;
      const [metric, tier, route, key] = parts.map(decodeName);
      if (metric === undefined || tier === undefined || route === undefined || key === undefined) continue;
      if (onlyKey !== undefined && key !== onlyKey) continue;
      const id = field.slice(metric.length + 1);
      let cell = cells.get(id);
      if (cell === undefined) {
        cell = { tier, route, key, counters: {} };
        cells.set(id, cell);
      }
      cell.counters[metric] = (cell.counters[metric] ?? 0) + Number(value);
    }
    return [...cells.values()];
  }

  /** Feedback and judge figures per experiment and arm over the given days, optionally only one key's. */
  async readExperiments(
    days: readonly string[],
    onlyKey?: string,
  ): Promise<Record<string, Record<string, QualityFigures>>> {
    const counters: Record<string, Record<string, Record<string, number>>> = {};
    for (const [field, value] of await this.fields(days)) {
      if (!field.startsWith('exp|')) continue;
      const [, name, arm, metric, key] = field.split('|').map(decodeName);
      if (name === undefined || arm === undefined || metric === undefined || key === undefined) continue;
      if (onlyKey !== undefined && key !== onlyKey) continue;
      const into = ((counters[name] ??= {})[arm] ??= {});
      into[metric] = (into[metric] ?? 0) + Number(value);
    }
    return Object.fromEntries(
      Object.entries(counters).map(([name, arms]) => [
        name,
        Object.fromEntries(Object.entries(arms).map(([arm, figures]) => [arm, figuresOf(figures)])),
      ]),
    );
  }

  /** Every field of the quality totals of the given days, every shard. */
  private async fields(days: readonly string[]): Promise<[string, string][]> {
    const all: [string, string][] = [];
    for (const day of days) {
      const hashes = await Promise.all(
        Array.from({ length: ledgerShards }, (_, shard) => this.redis.hgetall(this.keys.quality(shard, day))),
      );
      for (const hash of hashes) all.push(...Object.entries(hash));
    }
    return all;
  }
}

function cellOf(target: FeedbackTarget): string {
  return [target.tier, target.route, target.keyId].map(escapeName).join('|');
}

function experimentCellOf(target: FeedbackTarget): string {
  const { experiment } = target;
  return experiment === undefined ? '' : `${escapeName(experiment.name)}|${escapeName(experiment.arm)}`;
}

/** The quality monitor's figures of one tier or route. */
export interface QualityFigures {
  feedback: number;
  averageScore: number | null;
  lowShare: number;
  suspectedMisroutes: number;
  /** Scores given by the LLM judge, when one is configured. */
  judged: number;
  averageJudgeScore: number | null;
}

function figuresOf(counters: Record<string, number>): QualityFigures {
  const count = (name: string) => counters[name] ?? 0;
  const feedback = count('feedback');
  const judged = count('judgeCount');
  return {
    feedback,
    averageScore: feedback > 0 ? count('scoreMicro') / 1e6 / feedback : null,
    lowShare: feedback > 0 ? count('low') / feedback : 0,
    suspectedMisroutes: count('misroutes'),
    judged,
    averageJudgeScore: judged > 0 ? count('judgeMicro') / 1e6 / judged : null,
  };
}

/** The quality monitor: figures over everything, per tier and per route. */
export function qualityMonitor(cells: readonly QualityCell[]): {
  total: QualityFigures;
  tiers: Record<string, QualityFigures>;
  routes: Record<string, QualityFigures>;
} {
  const sum = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [name, value] of Object.entries(from)) into[name] = (into[name] ?? 0) + value;
  };
  const total: Record<string, number> = {};
  const tiers: Record<string, Record<string, number>> = {};
  const routes: Record<string, Record<string, number>> = {};
  for (const cell of cells) {
    sum(total, cell.counters);
    sum((tiers[cell.tier] ??= {}), cell.counters);
    sum((routes[cell.route] ??= {}), cell.counters);
  }
  const mapped = (groups: Record<string, Record<string, number>>) =>
    Object.fromEntries(Object.entries(groups).map(([name, counters]) => [name, figuresOf(counters)]));
  return { total: figuresOf(total), tiers: mapped(tiers), routes: mapped(routes) };
}
