import { costUsd, type TierConfig } from '@switchyard/core';

/** One routed prompt: its label, where it was sent, and whether a strategy decided it (or the default tier did). */
export interface RoutedExample {
  prompt: string;
  actual: string;
  predicted: string;
  decided: boolean;
  /** A route's minTier changed the strategy's tier (e.g. the code route raises look-ups to medium). */
  raisedByRoute: boolean;
}

export interface TierClassMetrics {
  /** Of the prompts sent to this tier, the share labeled with it. */
  precision: number;
  /** Of the prompts labeled with this tier, the share sent to it. */
  recall: number;
  /** Prompts labeled with this tier. */
  support: number;
}

export interface TierMetrics {
  examples: number;
  accuracy: number;
  perTier: Record<string, TierClassMetrics>;
  /** `confusion[label][sentTo]`: counts. */
  confusion: Record<string, Record<string, number>>;
  /** Of the prompts labeled with the last tier, the share sent to the first (cheapest) tier. */
  underRoutingRate: number;
  /** Of all prompts, the share sent to any tier below their label. */
  belowLabelRate: number;
  /** Share sent to the last (strongest) tier. */
  strongShare: number;
  /** Share decided by a strategy rather than by the default tier. */
  decidedShare: number;
  /** Share whose tier a route's `minTier` raised above the strategy's verdict. */
  raisedByRouteShare: number;
  cost: CostEstimate;
}

export interface CostEstimate {
  costUsd: number;
  /** Every prompt on the last tier's first deployment. */
  baselineCostUsd: number;
  savingPercent: number;
}

/**
 * Tokens assumed for the estimate: the prompt at 4 characters a token (OpenAI's rule of thumb for
 * English) and an answer whose length depends on the labeled tier (a greeting gets a line, an
 * analysis pages). Escalations are not modelled, so the saving is an upper bound for the tier
 * choice alone.
 */
const charsPerToken = 4;
const answerTokensByLevel = [150, 500, 1_200] as const;

export function answerTokensFor(tierIndex: number, tierCount: number): number {
  const level = tierCount <= 1 ? 2 : Math.round((tierIndex / (tierCount - 1)) * 2);
  return answerTokensByLevel[level] ?? answerTokensByLevel[2];
}

export function tierMetrics(tiers: readonly TierConfig[], routed: readonly RoutedExample[]): TierMetrics {
  const names = tiers.map((tier) => tier.name);
  const confusion: Record<string, Record<string, number>> = {};
  for (const actual of names) confusion[actual] = Object.fromEntries(names.map((predicted) => [predicted, 0]));
  let correct = 0;
  let below = 0;
  let decided = 0;
  let raised = 0;
  let strong = 0;
  let cost = 0;
  let baseline = 0;
  const top = tiers[tiers.length - 1] as TierConfig;
  for (const example of routed) {
    const row = confusion[example.actual] ?? (confusion[example.actual] = {});
    row[example.predicted] = (row[example.predicted] ?? 0) + 1;
    if (example.actual === example.predicted) correct += 1;
    const actualIndex = names.indexOf(example.actual);
    const predictedIndex = names.indexOf(example.predicted);
    if (predictedIndex < actualIndex) below += 1;
    if (predictedIndex === names.length - 1) strong += 1;
    if (example.decided) decided += 1;
    if (example.raisedByRoute) raised += 1;
    const usage = {
      inputTokens: Math.ceil(example.prompt.length / charsPerToken),
      outputTokens: answerTokensFor(actualIndex, names.length),
    };
    const deployment = tiers[predictedIndex]?.deployments[0];
    if (deployment !== undefined) cost += costUsd(deployment, usage);
    const premium = top.deployments[0];
    if (premium !== undefined) baseline += costUsd(premium, usage);
  }

  const perTier: Record<string, TierClassMetrics> = {};
  for (const name of names) {
    const truePositives = confusion[name]?.[name] ?? 0;
    const support = Object.values(confusion[name] ?? {}).reduce((sum, count) => sum + count, 0);
    const sentHere = names.reduce((sum, actual) => sum + (confusion[actual]?.[name] ?? 0), 0);
    perTier[name] = { precision: ratio(truePositives, sentHere), recall: ratio(truePositives, support), support };
  }
  const strongest = names[names.length - 1] as string;
  const cheapest = names[0] as string;
  const strongLabeled = perTier[strongest]?.support ?? 0;
  const total = routed.length;
  return {
    examples: total,
    accuracy: ratio(correct, total),
    perTier,
    confusion,
    underRoutingRate: names.length > 1 ? ratio(confusion[strongest]?.[cheapest] ?? 0, strongLabeled) : 0,
    belowLabelRate: ratio(below, total),
    strongShare: ratio(strong, total),
    decidedShare: ratio(decided, total),
    raisedByRouteShare: ratio(raised, total),
    cost: {
      costUsd: cost,
      baselineCostUsd: baseline,
      savingPercent: baseline > 0 ? (100 * (baseline - cost)) / baseline : 0,
    },
  };
}

/** 0 for 0/0: a tier nobody was sent to has no precision to speak of, not NaN in the JSON. */
function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
