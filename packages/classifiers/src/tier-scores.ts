import type { TierLadder } from '@switchyard/core';

/**
 * The three difficulty levels the built-in strategies reason about. Tiers are configuration, so
 * levels are mapped onto whatever ladder the config has: simple → the first tier, complex → the
 * last, medium → the middle, rounded toward the cheaper tier (with four tiers, the second).
 * On a two-tier ladder medium and simple share the cheap tier; on a one-tier ladder all agree.
 */
export type Level = 'simple' | 'medium' | 'complex';

export type LevelIndexes = Readonly<Record<Level, number>>;

export function levelIndexes(ladder: TierLadder): LevelIndexes {
  const last = ladder.names.length - 1;
  return { simple: 0, medium: Math.floor(last / 2), complex: last };
}

export interface TierScores {
  tier: string;
  /** Share of the evidence per tier name, summing to 1. */
  scores: Record<string, number>;
  /** The top tier's share. */
  confidence: number;
  /** Top share minus the runner-up's (the top share itself on a one-tier ladder). */
  gap: number;
  /** Set when there was no evidence at all or the top two are closer than `minGap`. */
  unsure?: string;
}

export interface TierScoring {
  /** Evidence every tier starts with: keeps one weak signal from looking like certainty. */
  prior: number;
  /** Top-2 shares closer than this are reported as ambiguous. */
  minGap: number;
}

/**
 * Turns evidence per tier (ladder order, any non-negative weights) into normalised scores.
 * With the default prior of 0.5 on three tiers, no evidence gives 1/3 each (below the default
 * 0.35 threshold) and one full-weight signal gives its tier 0.6.
 */
export function scoreTiers(
  ladder: TierLadder,
  evidence: readonly number[],
  scoring: TierScoring,
  noEvidenceReason: string,
): TierScores {
  const names = ladder.names;
  let total = 0;
  let evidenceTotal = 0;
  for (let index = 0; index < names.length; index += 1) {
    const weight = Math.max(0, evidence[index] ?? 0);
    evidenceTotal += weight;
    total += weight + scoring.prior;
  }
  const scores: Record<string, number> = {};
  let topIndex = 0;
  let top = -1;
  let second = 0;
  for (let index = 0; index < names.length; index += 1) {
    const share = (Math.max(0, evidence[index] ?? 0) + scoring.prior) / total;
    scores[names[index] as string] = round(share);
    // Strictly greater: on a tie the cheaper tier stays on top.
    if (share > top) {
      second = Math.max(top, 0);
      top = share;
      topIndex = index;
    } else if (share > second) {
      second = share;
    }
  }
  const result: TierScores = {
    tier: names[topIndex] as string,
    scores,
    confidence: round(top),
    gap: round(top - second),
  };
  if (evidenceTotal === 0) result.unsure = noEvidenceReason;
  else if (names.length > 1 && result.gap < scoring.minGap) {
    const runnerUp = names.find((name, index) => index !== topIndex && scores[name] === round(second)) ?? '?';
    result.unsure = `ambiguous: ${result.tier} ${result.confidence} vs ${runnerUp} ${round(second)}`;
  }
  return result;
}

/** Four decimals keep logged scores readable; far finer than any threshold anyone configures. */
export function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** The top-2 gap of the tier scores in a verdict (route scores, keyed `route:<name>`, are ignored). */
export function tierGap(scores: Readonly<Record<string, number>>, tierNames: readonly string[]): number {
  let top = 0;
  let second = 0;
  for (const name of tierNames) {
    const score = scores[name] ?? 0;
    if (score > top) {
      second = top;
      top = score;
    } else if (score > second) {
      second = score;
    }
  }
  return tierNames.length > 1 ? top - second : top;
}
