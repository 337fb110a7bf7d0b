import { roundUsd } from '@switchyard/core';
import { ledgerShards, type KeySpace } from './key-space.ts';
import type { RedisClient } from './redis-connection.ts';

export const ledgerGroups = ['tier', 'deployment', 'route', 'key', 'day'] as const;
export type LedgerGroup = (typeof ledgerGroups)[number];

/** The totals of one group of the ledger. */
export interface LedgerTotals {
  requests: number;
  failed: number;
  attempts: number;
  escalations: number;
  cacheHits: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** What every request would have cost on the premium deployment with the same tokens. */
  baselineUsd: number;
  savedUsd: number;
  /** Answers the LLM judge was asked about, and what asking cost (already part of `costUsd`). */
  judgeCalls: number;
  judgeCostUsd: number;
}

/** One cell of the ledger: a day × tier × deployment × route × key and its counters. */
export interface LedgerCell {
  day: string;
  tier: string;
  deployment: string;
  route: string;
  key: string;
  counters: Record<string, number>;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = 86_400_000;
/** A longer range reads more than 64 × 366 hashes per call: ask per year. */
export const maxLedgerDays = 366;

/** The UTC days from `from` to `to`, both included (`YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): string[] {
  for (const day of [from, to]) {
    if (!dayPattern.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
      throw new RangeError(`"${day}" is not a day (YYYY-MM-DD)`);
  }
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (end < start) throw new RangeError(`from ${from} is after to ${to}`);
  const count = (end - start) / dayMs + 1;
  if (count > maxLedgerDays) throw new RangeError(`${count} days asked, at most ${maxLedgerDays} per call`);
  return Array.from({ length: count }, (_, index) => new Date(start + index * dayMs).toISOString().slice(0, 10));
}

/** Undoes the Lua `escape` of a ledger field part. */
export const decodeName = (value: string) =>
  value.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/** Heads of ledger fields that are not a cell's metric: the hourly counts and the experiments' totals. */
const otherCounters: ReadonlySet<string> = new Set(['hour', 'exp']);

/** Reads the ledger cells of the given days (every shard), optionally only one key's. */
export async function readLedger(
  redis: RedisClient,
  keys: KeySpace,
  days: readonly string[],
  onlyKey?: string,
): Promise<LedgerCell[]> {
  const cells = new Map<string, LedgerCell>();
  for (const day of days) {
    const hashes = await Promise.all(
      Array.from({ length: ledgerShards }, (_, shard) => redis.hgetall(keys.ledger(shard, day))),
    );
    for (const hash of hashes) {
      for (const [field, value] of Object.entries(hash)) {
        const parts = field.split('|');
        // A cell's field is exactly `metric|tier|deployment|route|key`; anything else is not a cell.
        if (parts.length !== 5 || otherCounters.has(parts[0] ?? '')) continue;
        const [metric, tier, deployment, route, key] = parts.map(decodeName);
        if (metric === undefined || tier === undefined || deployment === undefined || route === undefined) continue;
        if (key === undefined || (onlyKey !== undefined && key !== onlyKey)) continue;
        const id = `${day}|${field.slice(metric.length + 1)}`;
        let cell = cells.get(id);
        if (cell === undefined) {
          cell = { day, tier, deployment, route, key, counters: {} };
          cells.set(id, cell);
        }
        cell.counters[metric] = (cell.counters[metric] ?? 0) + Number(value);
      }
    }
  }
  return [...cells.values()];
}

export function emptyTotals(): LedgerTotals {
  return {
    requests: 0,
    failed: 0,
    attempts: 0,
    escalations: 0,
    cacheHits: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    baselineUsd: 0,
    savedUsd: 0,
    judgeCalls: 0,
    judgeCostUsd: 0,
  };
}

function addCell(totals: LedgerTotals, cell: LedgerCell): void {
  const counter = (name: string) => cell.counters[name] ?? 0;
  totals.requests += counter('requests');
  totals.failed += counter('failed');
  totals.attempts += counter('attempts');
  totals.escalations += counter('escalations');
  totals.cacheHits += counter('cacheHits');
  totals.inputTokens += counter('inputTokens');
  totals.outputTokens += counter('outputTokens');
  // Summed in integer nano-dollars, converted once: exact to the nano-dollar.
  totals.costUsd = roundUsd(totals.costUsd + counter('costNano') / 1e9);
  totals.baselineUsd = roundUsd(totals.baselineUsd + counter('baselineNano') / 1e9);
  totals.savedUsd = roundUsd(totals.baselineUsd - totals.costUsd);
  totals.judgeCalls += counter('judgeCalls');
  totals.judgeCostUsd = roundUsd(totals.judgeCostUsd + counter('judgeCostNano') / 1e9);
}

/** Totals over all cells and per value of `groupBy`. */
export function groupLedger(
  cells: readonly LedgerCell[],
  groupBy: LedgerGroup,
): { total: LedgerTotals; groups: Record<string, LedgerTotals> } {
  const total = emptyTotals();
  const groups: Record<string, LedgerTotals> = {};
  for (const cell of cells) {
    addCell(total, cell);
    const name = cell[groupBy];
    groups[name] ??= emptyTotals();
    addCell(groups[name], cell);
  }
  return { total, groups };
}
