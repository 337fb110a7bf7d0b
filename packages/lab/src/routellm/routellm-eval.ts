import {
  createCentroidStrategy,
  createHashingEmbedder,
  createKeywordsStrategy,
  createRulesStrategy,
  createTrainedStrategy,
  parseTierModel,
  type ClassificationStrategy,
  type Embedder,
  type LabeledExample,
  type TierModel,
} from '@switchyard/classifiers';
import type { StrategyVerdict, SwitchyardConfig } from '@switchyard/core';
import { trainTierModel } from '../training/train-tier-model.ts';
import { apgrInterval } from './apgr-interval.ts';
import type { Benchmark } from './routellm-data.ts';
import type { RouteLlmSplit } from './routellm-split.ts';
import { performanceAt, routingCurve, type RoutingCurve } from './routing-curve.ts';
import { trainStrongWinModel } from './strong-win-model.ts';

export interface RouteLlmEvaluationOptions {
  /** Labeled prompts the centroid strategy and the labeled-set tier model are built from. */
  labeledSet: readonly LabeledExample[];
  seed?: number;
  embedder?: Embedder;
  /** The configured tier model (`classifier.trained.modelPath`): scored as `trained:config` and in `ensemble`. */
  tierModel?: TierModel | undefined;
}

export interface RouterResult {
  router: string;
  description: string;
  apgr: number | null;
  /** 95% bootstrap interval of the APGR (apgr-interval.ts): how far from 0.5 sampling luck alone reaches. */
  apgrInterval95: [number, number] | null;
  cpt50: number | null;
  cpt80: number | null;
  /** Accuracy (or judge score) and PGR every 5% of strong share. */
  curve: { strongShare: number; accuracy: number; pgr: number | null }[];
  /** Corners of the exact curve, for plots. */
  vertices: RoutingCurve['vertices'];
}

export interface BenchmarkResult {
  benchmark: Benchmark['name'];
  metric: Benchmark['metric'];
  prompts: number;
  contaminatedDropped: number;
  weakPerformance: number;
  strongPerformance: number;
  routers: RouterResult[];
}

export interface RouteLlmEvaluation {
  /** How the training and the test part were made. */
  split: string;
  trainPrompts: number;
  /** Test prompts dropped because the training part holds them too. */
  overlapDropped: number;
  weakModel: string;
  strongModel: string;
  benchmarks: BenchmarkResult[];
  /** Mean APGR over the benchmarks, per router. */
  meanApgr: Record<string, number | null>;
  warnings: string[];
}

const curveStep = 0.05;

/**
 * Each router scores every prompt (how much it needs the strong model) and the threshold is swept
 * over the scores (routing-curve.ts). Local strategies score with the expected ladder position of
 * their tier scores (0 = cheapest tier, 1 = strongest). Only the test part is scored. `trained`
 * is fitted on the outcomes of the training part (other MMLU subjects, MT-Bench categories and
 * GSM8K prompts), so its figure is for subjects it never saw; `trained:labeled-set` is the tier
 * model of the project's labeled set, never fitted to RouteLLM. `random` gives every prompt the
 * same score.
 */
export function evaluateRouteLlm(
  config: SwitchyardConfig,
  split: RouteLlmSplit,
  options: RouteLlmEvaluationOptions,
): RouteLlmEvaluation {
  const tierNames = config.tiers.map((tier) => tier.name);
  const data = split.test;
  const labeledModel = parseTierModel(trainTierModel(options.labeledSet, { tiers: tierNames }), 'labeled-set model');
  const strategies: { router: string; description: string; strategy: ClassificationStrategy }[] = [
    { router: 'keywords', description: 'keyword and tier-marker overlap', strategy: createKeywordsStrategy(config) },
    { router: 'rules', description: 'regex rules and length heuristic', strategy: createRulesStrategy(config) },
    {
      router: 'centroid',
      description: 'cosine to tier centroids of the labeled set (hashing embedder)',
      strategy: createCentroidStrategy(config, {
        embedder: options.embedder ?? createHashingEmbedder(),
        examples: options.labeledSet,
      }),
    },
    {
      router: 'trained:labeled-set',
      description: 'tier model trained on the project labeled set',
      strategy: createTrainedStrategy(config, labeledModel),
    },
  ];
  if (options.tierModel !== undefined)
    strategies.push({
      router: 'trained:config',
      description: "the configured tier model (the default chain's), never fitted to RouteLLM",
      strategy: createTrainedStrategy(config, options.tierModel),
    });

  const trainItems = split.train.benchmarks.flatMap((benchmark) => benchmark.items);
  const strongWin = trainStrongWinModel(trainItems, options.seed ?? 1);
  const benchmarks = data.benchmarks.map((benchmark): BenchmarkResult => {
    const outcomes = benchmark.items;
    const routers: RouterResult[] = [];
    const scoresOf = new Map<string, number[]>();
    const add = (router: string, description: string, scores: number[]) => {
      scoresOf.set(router, scores);
      routers.push(routerResult(router, description, scores, outcomes));
    };
    add(
      'random',
      'every prompt the same score: a random choice at each share (expected curve)',
      outcomes.map(() => 0),
    );
    for (const { router, description, strategy } of strategies) {
      add(
        router,
        description,
        outcomes.map((item) => strongScore(strategy.classify(item.prompt) as StrategyVerdict, tierNames)),
      );
    }
    add(
      'trained',
      'logistic regression fitted on the outcomes of the training part',
      outcomes.map((item) => strongWin(item.prompt)),
    );
    // Chosen on the development split (eval --routellm --dev): averaging the ranks of the two
    // labeled-set routers transferred better than either, and better than any model fitted on outcomes.
    const members = ['centroid', options.tierModel === undefined ? 'trained:labeled-set' : 'trained:config'];
    const ranks = members.map((name) => rankUnit(scoresOf.get(name) ?? []));
    add(
      'ensemble',
      `mean rank of ${members.join(' and ')}`,
      outcomes.map((_, index) => ranks.reduce((sum, rank) => sum + (rank[index] ?? 0), 0) / ranks.length),
    );
    const first = routers[0] as RouterResult;
    return {
      benchmark: benchmark.name,
      metric: benchmark.metric,
      prompts: outcomes.length,
      contaminatedDropped: benchmark.contaminatedDropped,
      weakPerformance: first.vertices[0]?.performance ?? 0,
      strongPerformance: first.vertices[first.vertices.length - 1]?.performance ?? 0,
      routers,
    };
  });

  const meanApgr: Record<string, number | null> = {};
  for (const router of benchmarks[0]?.routers.map((result) => result.router) ?? []) {
    const values = benchmarks.map(
      (benchmark) => benchmark.routers.find((result) => result.router === router)?.apgr ?? null,
    );
    meanApgr[router] = values.some((value) => value === null)
      ? null
      : (values as number[]).reduce((sum, value) => sum + value, 0) / values.length;
  }
  return {
    split: split.description,
    trainPrompts: trainItems.length,
    overlapDropped: split.overlapDropped,
    weakModel: data.weakModel,
    strongModel: data.strongModel,
    benchmarks,
    meanApgr,
    warnings: [...new Set([...split.train.warnings, ...data.warnings])],
  };
}

/** Each score's rank among the scores, scaled to [0, 1); ties share the rank of their first. */
function rankUnit(scores: readonly number[]): number[] {
  const order = scores.map((score, index) => ({ score, index })).sort((a, b) => a.score - b.score);
  const ranks = new Array<number>(scores.length).fill(0);
  let start = 0;
  for (let position = 0; position < order.length; position += 1) {
    if (position > 0 && (order[position]?.score as number) !== (order[position - 1]?.score as number)) start = position;
    ranks[(order[position] as { index: number }).index] = start / Math.max(1, scores.length);
  }
  return ranks;
}

/** Expected position on the ladder under the verdict's tier scores: 0 = cheapest tier, 1 = strongest. */
export function strongScore(verdict: StrategyVerdict, tierNames: readonly string[]): number {
  if (tierNames.length < 2) return 0;
  let position = 0;
  tierNames.forEach((name, index) => {
    position += (verdict.scores[name] ?? 0) * index;
  });
  return position / (tierNames.length - 1);
}

function routerResult(
  router: string,
  description: string,
  scores: number[],
  outcomes: Benchmark['items'],
): RouterResult {
  const curve = routingCurve(scores, outcomes);
  const gap = curve.strongPerformance - curve.weakPerformance;
  const points: RouterResult['curve'] = [];
  for (let step = 0; step <= Math.round(1 / curveStep); step += 1) {
    const strongShare = Math.round(step * curveStep * 100) / 100;
    const accuracy = performanceAt(curve, strongShare);
    points.push({ strongShare, accuracy, pgr: gap === 0 ? null : (accuracy - curve.weakPerformance) / gap });
  }
  // Every prompt scored the same: the expected random curve has no sampling spread to speak of.
  const interval = scores.every((score) => score === scores[0])
    ? curve.apgr === null
      ? null
      : ([curve.apgr, curve.apgr] as [number, number])
    : apgrInterval(scores, outcomes);
  return {
    router,
    description,
    apgr: curve.apgr,
    apgrInterval95: interval,
    cpt50: curve.cpt50,
    cpt80: curve.cpt80,
    curve: points,
    vertices: curve.vertices,
  };
}
