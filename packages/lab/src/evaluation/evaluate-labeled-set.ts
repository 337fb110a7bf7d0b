import {
  createClassifierChain,
  parseTierModel,
  signalStrategyNames,
  type LabeledExample,
  type StrategyContext,
} from '@switchyard/classifiers';
import type { StrategyName, SwitchyardConfig } from '@switchyard/core';
import { trainTierModel } from '../training/train-tier-model.ts';
import { stratifiedFolds } from './folds.ts';
import { tierMetrics, type RoutedExample, type TierMetrics } from './tier-metrics.ts';

/** A chain to measure: one strategy alone, or several in order. */
export interface Candidate {
  name: string;
  strategies: StrategyName[];
}

export interface LabeledEvaluationOptions extends Pick<StrategyContext, 'embedder' | 'llm' | 'env'> {
  candidates: readonly Candidate[];
  /** Cross-validation folds (ignored with `trainingSet`). */
  folds?: number;
  seed?: number;
  /** Strong-tier share the per-fold tier models are calibrated to (default: the labels' share). */
  strongShare?: number | undefined;
  /** Train on this set and test on all of `examples` instead of cross-validating. */
  trainingSet?: readonly LabeledExample[] | undefined;
  /** Classifications in flight at once: matters only for the llm strategy, which waits on HTTP. */
  concurrency?: number;
}

export interface CandidateResult extends Candidate {
  metrics: TierMetrics;
  /** Tier accuracy per `category` of the examples, when they have one. */
  accuracyByCategory: Record<string, number>;
  /**
   * Share of categorised examples sent to the right route: the route named like the category
   * (code, legal, creative), or the fallback route for other categories. Null without categories.
   */
  routeAccuracy: number | null;
  /**
   * Event counts of the candidate's strategies (the llm strategy's calls, invalid answers, failed
   * calls...), summed over the folds; empty when none of its strategies counts anything.
   */
  counters: Record<string, Record<string, number>>;
}

export interface LabeledEvaluation {
  examples: number;
  /** `cross-validation` (k folds, stratified by tier) or `holdout` (trained on another set). */
  method: 'cross-validation' | 'holdout';
  folds: number;
  trainingExamples: number;
  results: CandidateResult[];
}

const defaultFolds = 5;

/**
 * Routes every labeled prompt with each candidate chain, the way the classifier worker would,
 * and scores the tiers. Strategies that learn from examples (centroid, trained) only ever see
 * the training part: with k-fold cross-validation each prompt is classified by models built
 * without it. Keywords and rules learn nothing, so for them the folds change nothing.
 */
export async function evaluateLabeledSet(
  config: SwitchyardConfig,
  examples: readonly LabeledExample[],
  options: LabeledEvaluationOptions,
): Promise<LabeledEvaluation> {
  const tierNames = config.tiers.map((tier) => tier.name);
  const folds = options.trainingSet === undefined ? (options.folds ?? defaultFolds) : 1;
  const foldOf =
    options.trainingSet === undefined
      ? stratifiedFolds(
          examples.map((example) => example.tier),
          folds,
          options.seed ?? 1,
        )
      : examples.map(() => 0);
  const needsModel = options.candidates.some((candidate) => candidate.strategies.includes('trained'));
  const routed = options.candidates.map(() => new Array<RoutedExample>(examples.length));
  const routes = options.candidates.map(() => new Array<string>(examples.length));
  const counters = options.candidates.map((): CandidateResult['counters'] => ({}));

  for (let fold = 0; fold < folds; fold += 1) {
    const training = options.trainingSet ?? examples.filter((_, index) => foldOf[index] !== fold);
    const testIndexes = foldOf.flatMap((assigned, index) => (assigned === fold ? [index] : []));
    const context: StrategyContext = { centroidExamples: training };
    if (options.embedder !== undefined) context.embedder = options.embedder;
    if (options.llm !== undefined) context.llm = options.llm;
    if (options.env !== undefined) context.env = options.env;
    if (needsModel)
      context.tierModel = parseTierModel(
        trainTierModel(training, {
          tiers: tierNames,
          strongShare: options.strongShare,
          signals: { config, strategies: signalStrategyNames },
        }),
        `fold ${fold + 1} model`,
      );

    for (const [candidateIndex, candidate] of options.candidates.entries()) {
      // The candidate chain alone: an experiment's variant would only be built and never asked.
      const chain = createClassifierChain(
        { ...config, classifier: { ...config.classifier, strategies: candidate.strategies }, experiments: [] },
        context,
      );
      await chain.ready();
      await forEachLimited(testIndexes, options.concurrency ?? 8, async (index) => {
        const example = examples[index] as LabeledExample;
        const decision = await chain.classify({ messages: [{ role: 'user', content: example.prompt }] });
        (routes[candidateIndex] as string[])[index] = decision.route;
        (routed[candidateIndex] as RoutedExample[])[index] = {
          prompt: example.prompt,
          actual: example.tier,
          predicted: decision.tier,
          decided: decision.strategy !== 'default',
          raisedByRoute: decision.adjustments.some(
            (adjustment) => adjustment.includes('minTier') && adjustment.includes('raised'),
          ),
        };
      });
      // Each fold builds its own chain, so each fold's counts start at zero.
      addCounters(counters[candidateIndex] as CandidateResult['counters'], chain.counters());
    }
  }

  return {
    examples: examples.length,
    method: options.trainingSet === undefined ? 'cross-validation' : 'holdout',
    folds,
    trainingExamples: options.trainingSet?.length ?? examples.length,
    results: options.candidates.map((candidate, candidateIndex) => {
      const all = routed[candidateIndex] as RoutedExample[];
      return {
        ...candidate,
        metrics: tierMetrics(config.tiers, all),
        accuracyByCategory: accuracyByCategory(examples, all),
        routeAccuracy: routeAccuracy(config, examples, routes[candidateIndex] as string[]),
        counters: counters[candidateIndex] as CandidateResult['counters'],
      };
    }),
  };
}

function addCounters(
  total: CandidateResult['counters'],
  fold: Readonly<Record<string, Readonly<Record<string, number>>>>,
): void {
  for (const [strategy, counts] of Object.entries(fold)) {
    const sums = (total[strategy] ??= {});
    for (const [name, count] of Object.entries(counts)) sums[name] = (sums[name] ?? 0) + count;
  }
}

function accuracyByCategory(
  examples: readonly LabeledExample[],
  routed: readonly RoutedExample[],
): Record<string, number> {
  const totals = new Map<string, { correct: number; count: number }>();
  examples.forEach((example, index) => {
    if (example.category === undefined) return;
    const total = totals.get(example.category) ?? { correct: 0, count: 0 };
    total.count += 1;
    if (routed[index]?.predicted === example.tier) total.correct += 1;
    totals.set(example.category, total);
  });
  return Object.fromEntries([...totals].map(([category, total]) => [category, total.correct / total.count]));
}

function routeAccuracy(
  config: SwitchyardConfig,
  examples: readonly LabeledExample[],
  routes: readonly string[],
): number | null {
  const routeNames = new Set(config.routes.map((route) => route.name));
  let correct = 0;
  let counted = 0;
  examples.forEach((example, index) => {
    if (example.category === undefined) return;
    counted += 1;
    const expected = routeNames.has(example.category) ? example.category : config.classifier.fallbackRoute;
    if (routes[index] === expected) correct += 1;
  });
  return counted === 0 ? null : correct / counted;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
