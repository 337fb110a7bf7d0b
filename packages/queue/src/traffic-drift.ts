import { decodeName } from './cost-ledger.ts';
import { ledgerShards, type KeySpace } from './key-space.ts';
import type { RedisClient } from './redis-connection.ts';

const hourMs = 3_600_000;

export interface TrafficWindow {
  requests: number;
  /** Each tier's share of the window's requests, 0..1. */
  shares: Record<string, number>;
}

export interface TrafficDrift {
  lastHour: TrafficWindow;
  lastDay: TrafficWindow;
  /** Per tier, the last hour's share minus the last day's, in share points (-1..1). */
  shift: Record<string, number>;
  /** The tier that moved most, and by how much (absolute), or null with no traffic. */
  largest: { tier: string; shift: number } | null;
}

/**
 * Requests per tier over the last hour against the last 24 hours, from the ledger's hourly
 * counters (`hour|<HH>|tier|key`, UTC hours). A window's oldest hour is counted for the part of it
 * inside the window, as if its requests were spread evenly over it.
 */
export async function readTrafficDrift(
  redis: RedisClient,
  keys: KeySpace,
  now = Date.now(),
  onlyKey?: string,
): Promise<TrafficDrift> {
  const counts = await hourlyCounts(redis, keys, now, onlyKey);
  const window = (hours: number): TrafficWindow => {
    const byTier: Record<string, number> = {};
    const start = now - hours * hourMs;
    for (const [hourStart, tiers] of counts) {
      const inside = Math.min(1, Math.max(0, (hourStart + hourMs - start) / hourMs));
      if (inside === 0 || hourStart > now) continue;
      for (const [tier, requests] of Object.entries(tiers)) byTier[tier] = (byTier[tier] ?? 0) + requests * inside;
    }
    const total = Object.values(byTier).reduce((sum, requests) => sum + requests, 0);
    const shares = Object.fromEntries(Object.entries(byTier).map(([tier, requests]) => [tier, requests / total]));
    return { requests: Math.round(total), shares: total > 0 ? shares : {} };
  };
  const lastHour = window(1);
  const lastDay = window(24);
  const shift: Record<string, number> = {};
  let largest: TrafficDrift['largest'] = null;
  for (const tier of new Set([...Object.keys(lastHour.shares), ...Object.keys(lastDay.shares)])) {
    const moved = round((lastHour.shares[tier] ?? 0) - (lastDay.shares[tier] ?? 0));
    shift[tier] = moved;
    if (largest === null || Math.abs(moved) > Math.abs(largest.shift)) largest = { tier, shift: moved };
  }
  return { lastHour: rounded(lastHour), lastDay: rounded(lastDay), shift, largest };
}

/** Requests per tier of each UTC hour that can overlap the last 24 hours, keyed by the hour's start. */
async function hourlyCounts(
  redis: RedisClient,
  keys: KeySpace,
  now: number,
  onlyKey: string | undefined,
): Promise<Map<number, Record<string, number>>> {
  const today = new Date(now).toISOString().slice(0, 10);
  const yesterday = new Date(now - 86_400_000).toISOString().slice(0, 10);
  const counts = new Map<number, Record<string, number>>();
  for (const day of [yesterday, today]) {
    const hashes = await Promise.all(
      Array.from({ length: ledgerShards }, (_, shard) => redis.hgetall(keys.ledger(shard, day))),
    );
    for (const hash of hashes) {
      for (const [field, value] of Object.entries(hash)) {
        if (!field.startsWith('hour|')) continue;
        const [, hour, tier, key] = field.split('|').map(decodeName);
        if (hour === undefined || tier === undefined || key === undefined) continue;
        if (onlyKey !== undefined && key !== onlyKey) continue;
        const start = Date.parse(`${day}T${hour}:00:00Z`);
        if (Number.isNaN(start) || start <= now - 25 * hourMs) continue;
        const tiers = counts.get(start) ?? {};
        tiers[tier] = (tiers[tier] ?? 0) + Number(value);
        counts.set(start, tiers);
      }
    }
  }
  return counts;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;
const rounded = (window: TrafficWindow): TrafficWindow => ({
  requests: window.requests,
  shares: Object.fromEntries(Object.entries(window.shares).map(([tier, share]) => [tier, round(share)])),
});
