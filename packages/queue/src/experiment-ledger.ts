import { roundUsd } from '@switchyard/core';
import { decodeName } from './cost-ledger.ts';
import { ledgerShards, type KeySpace } from './key-space.ts';
import type { RedisClient } from './redis-connection.ts';

export const experimentArms = ['variant', 'control'] as const;
export type ExperimentArmName = (typeof experimentArms)[number];

/** One arm of an experiment over the days read. */
export interface ExperimentArmTotals {
  requests: number;
  failed: number;
  attempts: number;
  escalations: number;
  costUsd: number;
  /** What the arm's requests would have cost on the premium deployment with the same tokens. */
  baselineUsd: number;
  costPerRequestUsd: number;
  /** Escalations per attempt, as the stats' groups count it. */
  escalationRate: number;
}

export type ExperimentTotals = Record<ExperimentArmName, ExperimentArmTotals>;

const isArm = (value: string): value is ExperimentArmName => (experimentArms as readonly string[]).includes(value);

/** The arm's figures from its ledger counters (dollars as integer nano-dollars, converted once). */
export function armTotals(counters: Readonly<Record<string, number>>): ExperimentArmTotals {
  const count = (name: string) => counters[name] ?? 0;
  const requests = count('requests');
  const attempts = count('attempts');
  const costUsd = roundUsd(count('costNano') / 1e9);
  return {
    requests,
    failed: count('failed'),
    attempts,
    escalations: count('escalations'),
    costUsd,
    baselineUsd: roundUsd(count('baselineNano') / 1e9),
    costPerRequestUsd: requests > 0 ? roundUsd(costUsd / requests) : 0,
    escalationRate: attempts > 0 ? count('escalations') / attempts : 0,
  };
}

/**
 * Per experiment and arm, the totals of the requests that finished on the given days (every
 * shard), optionally only one key's: the ledger's `exp|<name>|<arm>|<metric>|<key>` fields, which
 * the step that finishes a record adds to (see `ledgerLua`). Both arms of every experiment found.
 */
export async function readExperiments(
  redis: RedisClient,
  keys: KeySpace,
  days: readonly string[],
  onlyKey?: string,
): Promise<Record<string, ExperimentTotals>> {
  const counters = new Map<string, Record<ExperimentArmName, Record<string, number>>>();
  for (const day of days) {
    const hashes = await Promise.all(
      Array.from({ length: ledgerShards }, (_, shard) => redis.hgetall(keys.ledger(shard, day))),
    );
    for (const hash of hashes) {
      for (const [field, value] of Object.entries(hash)) {
        if (!field.startsWith('exp|')) continue;
        const [, name, arm, metric, key] = field.split('|').map(decodeName);
        if (name === undefined || arm === undefined || metric === undefined || key === undefined) continue;
        if (!isArm(arm) || (onlyKey !== undefined && key !== onlyKey)) continue;
        let experiment = counters.get(name);
        if (experiment === undefined) {
          experiment = { variant: {}, control: {} };
          counters.set(name, experiment);
        }
        experiment[arm][metric] = (experiment[arm][metric] ?? 0) + Number(value);
      }
    }
  }
  return Object.fromEntries(
    [...counters].map(([name, arms]) => [name, { variant: armTotals(arms.variant), control: armTotals(arms.control) }]),
  );
}
