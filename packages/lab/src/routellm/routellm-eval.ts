import type { StrategyVerdict, SwitchyardConfig } from '@switchyard/core';
import { createCentroidStrategy } from '@switchyard/classifiers';
import type { Embedder } from '@switchyard/classifiers';
import { createHashingEmbedder } from '@switchyard/classifiers';
import { createKeywordsStrategy } from '@switchyard/classifiers';
import type { LabeledExample } from '@switchyard/classifiers';
import { createRulesStrategy } from '@switchyard/classifiers';
import type { ClassificationStrategy } from '@switchyard/classifiers';
import { createTrainedStrategy } from '@switchyard/classifiers';
import { parseTierModel } from '@switchyard/classifiers';
import { trainTierModel } from '../training/train-tier-model.ts';
import { apgrInterval } from './apgr-interval.ts';
import { crossValidatedStrongScores } from './cross-validated-scores.ts';
import type { Benchmark, RouteLlmData } from './routellm-data.ts';
import { performanceAt, routingCurve, type RoutingCurve } from './routing-curve.ts';

export interface RouteLlmEvaluationOptions {
  /** Labeled prompts the centroid strategy and the labeled-set tier model are built from. */
  labeledSet: readonly LabeledExample[];
  /** Folds of the subject-held-out cross-validation of `trained`. */
  folds?: number;
  seed?: number;
  embedder?: Embedder;
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
  directory: string;
  weakModel: string;
  strongModel: string;
  folds: number;
  benchmarks: BenchmarkResult[];
  /** Mean APGR over the benchmarks, per router. */
  meanApgr: Record<string, number | null>;
  warnings: string[];
}

const curveStep = 0.05;
const defaultFolds = 5;

/**
 * Each router scores every prompt (how much it needs the strong model) and the threshold is swept
 * over the scores (routing-curve.ts). Local strategies score with the expected ladder position of
 * their tier scores (0 = cheapest tier, 1 = strongest). `trained` is retrained per fold on the
 * RouteLLM outcomes themselves, with whole MMLU subjects and MT-Bench categories held out, so
 * its figure is for subjects it never saw; `trained:labeled-set` is the tier model of the
 * project's labeled set, never fitted to RouteLLM. `random` gives every prompt the same score.
 */
export function evaluateRouteLlm(
  config: SwitchyardConfig,
  data: RouteLlmData,
  options: RouteLlmEvaluationOptions,
): RouteLlmEvaluation {
  const tierNames = config.tiers.map((tier) => tier.name);
  const folds = options.folds ?? defaultFolds;
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

  const items = data.benchmarks.flatMap((benchmark) => benchmark.items);
  const trainedScores = crossValidatedStrongScores(items, folds, options.seed ?? 1);
  let offset = 0;
  const benchmarks = data.benchmarks.map((benchmark): BenchmarkResult => {
    const outcomes = benchmark.items;
    const routers: RouterResult[] = [];
    const add = (router: string, description: string, scores: number[]) =>
      routers.push(routerResult(router, description, scores, outcomes));
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
      `logistic regression on the RouteLLM outcomes, ${folds}-fold cross-validation holding out whole MMLU subjects and MT-Bench categories`,
      trainedScores.slice(offset, offset + outcomes.length),
    );
    offset += outcomes.length;
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
    directory: data.directory,
    weakModel: data.weakModel,
    strongModel: data.strongModel,
    folds,
    benchmarks,
    meanApgr,
    warnings: data.warnings,
  };
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
