import {
  ConfigError,
  TierLadder,
  promptOf,
  variantChangesStrategies,
  variantConfig,
  type ChatRequest,
  type RouteConfig,
  type RoutingDecision,
  type StrategyVerdict,
  type SwitchyardConfig,
} from '@switchyard/core';
import type { ClassifierChain, ExplainedVerdict, RouteExplanation } from './classifier-chain-contract.ts';
import { withExperiments, type VariantChain } from './experiment-chain.ts';
import { buildStrategies, routeStrategyNames, type StrategyContext } from './strategy-factories.ts';
import type { ClassificationStrategy } from './strategy.ts';
import { tierGap } from './tier-scores.ts';

export interface ClassifierChainOptions extends StrategyContext {
  /** Used instead of building `classifier.strategies` from the config (tests, experiments). */
  strategies?: ClassificationStrategy[];
}

type VerdictSource = (strategy: ClassificationStrategy, prompt: string) => StrategyVerdict | Promise<StrategyVerdict>;

// Scores are rounded to 4 decimals; without a tolerance a gap of exactly `minGap` could fail
// by a float rounding error.
const gapTolerance = 1e-9;

/**
 * Runs the strategies cheapest first. The first verdict that is confident (confidence at least
 * `confidenceThreshold`, no `unsure`, top-2 tier gap at least `minGap`) decides the tier; if none
 * is, the tier is `defaultTier`. The route comes from the first verdict that names a non-fallback
 * route confidently; once the tier is decided (a forced tier counts as decided) only route
 * strategies (keywords) still run, and only until a route is found. Then `force_tier`, the
 * route's `minTier` (not over a forced tier) and `max_tier` (over everything: a budget) apply.
 * With `experiments`, each variant's chain is built here once, from the variant's configuration.
 */
export function createClassifierChain(config: SwitchyardConfig, options: ClassifierChainOptions = {}): ClassifierChain {
  const strategies = options.strategies ?? buildStrategies(config, options);
  const control = chainOf(config, strategies);
  if (config.experiments.length === 0) return control;
  const { strategies: _given, ...context } = options;
  const variants = new Map<string, VariantChain>();
  config.experiments.forEach((experiment, index) => {
    const variant = variantConfig(config, experiment);
    // A variant that keeps the classifier settings shares the control's strategies (one llm
    // client, one centroid index); one that changes them needs its own, built from its settings.
    if (!variantChangesStrategies(experiment)) {
      variants.set(experiment.name, { chain: chainOf(variant, strategies), ownStrategies: false });
      return;
    }
    try {
      variants.set(experiment.name, {
        chain: chainOf(variant, buildStrategies(variant, context)),
        ownStrategies: true,
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(
        `experiment "${experiment.name}": the variant's classifier cannot start`,
        error.issues.map((issue) => `experiments[${index}].variant: ${issue}`),
        { cause: error },
      );
    }
  });
  return withExperiments(config.experiments, control, variants);
}

function chainOf(config: SwitchyardConfig, strategies: readonly ClassificationStrategy[]): ClassifierChain {
  const ladder = new TierLadder(config);
  const { confidenceThreshold, minGap, defaultTier, fallbackRoute } = config.classifier;
  const skippedVerdict = (strategy: ClassificationStrategy): ExplainedVerdict => ({
    strategy: strategy.name,
    tier: defaultTier,
    route: fallbackRoute,
    confidence: 0,
    scores: {},
    unsure: 'skipped: the chain did not need it, and an explanation alone does not pay for a model call',
    inChain: false,
    skipped: true,
    durationUs: 0,
  });
  const routes = new Map<string, RouteConfig>(config.routes.map((route) => [route.name, route]));
  const tierNames = ladder.names;

  const decidesTier = (verdict: StrategyVerdict): boolean =>
    verdict.unsure === undefined &&
    verdict.confidence >= confidenceThreshold &&
    ladder.has(verdict.tier) &&
    tierGap(verdict.scores, tierNames) + gapTolerance >= minGap;

  // A strategy's route confidence is its `route:<name>` score when it reports one, else its confidence.
  const namesRoute = (verdict: StrategyVerdict): boolean =>
    verdict.route !== fallbackRoute &&
    routes.has(verdict.route) &&
    (verdict.scores[`route:${verdict.route}`] ?? verdict.confidence) >= confidenceThreshold;

  const whyUndecided = (verdict: StrategyVerdict): string => {
    if (verdict.unsure !== undefined) return `${verdict.strategy}: ${verdict.unsure}`;
    if (verdict.confidence < confidenceThreshold)
      return `${verdict.strategy}: confidence ${verdict.confidence} < ${confidenceThreshold}`;
    if (!ladder.has(verdict.tier)) return `${verdict.strategy}: unknown tier "${verdict.tier}"`;
    return `${verdict.strategy}: top-2 gap < ${minGap}`;
  };

  async function decide(request: ChatRequest, verdictOf: VerdictSource): Promise<RoutingDecision> {
    const started = process.hrtime.bigint();
    // Callers validate tier names; checking before any work keeps a bad one from costing a strategy run.
    const forcedTier = request.force_tier;
    if (forcedTier !== undefined) ladder.indexOf(forcedTier);
    if (request.max_tier !== undefined) ladder.indexOf(request.max_tier);

    const prompt = promptOf(request);
    const chain: StrategyVerdict[] = [];
    let tierVerdict: StrategyVerdict | undefined;
    let routeVerdict: StrategyVerdict | undefined;
    for (const strategy of strategies) {
      const tierSettled = forcedTier !== undefined || tierVerdict !== undefined;
      if (tierSettled && (routeVerdict !== undefined || !routeStrategyNames.has(strategy.name))) continue;
      const strategyStarted = process.hrtime.bigint();
      const verdict = { ...(await verdictOf(strategy, prompt)) };
      verdict.durationUs = Number(process.hrtime.bigint() - strategyStarted) / 1000;
      chain.push(verdict);
      if (!tierSettled && decidesTier(verdict)) tierVerdict = verdict;
      if (routeVerdict === undefined && namesRoute(verdict)) routeVerdict = verdict;
    }

    const routeName = routeVerdict?.route ?? fallbackRoute;
    const scores: Record<string, number> = {};
    if (tierVerdict !== undefined) Object.assign(scores, tierVerdict.scores);
    if (routeVerdict !== undefined) {
      for (const [key, score] of Object.entries(routeVerdict.scores)) if (key.startsWith('route:')) scores[key] = score;
    }

    const adjustments: string[] = [];
    let decision: Pick<RoutingDecision, 'tier' | 'strategy' | 'confidence' | 'unsure'>;
    if (forcedTier !== undefined) {
      decision = { tier: forcedTier, strategy: 'forced', confidence: 1 };
      adjustments.push(`force_tier: tier forced to ${forcedTier}`);
    } else if (tierVerdict !== undefined) {
      decision = { tier: tierVerdict.tier, strategy: tierVerdict.strategy, confidence: tierVerdict.confidence };
    } else {
      const reasons = chain.length === 0 ? 'no strategy ran' : chain.map(whyUndecided).join('; ');
      decision = {
        tier: defaultTier,
        strategy: 'default',
        confidence: 0,
        unsure: `no confident strategy (${reasons})`,
      };
    }

    const route = routes.get(routeName);
    if (route?.cascadeMode === 'cheapest-first' && forcedTier !== undefined) {
      adjustments.push(`route ${routeName} cascadeMode cheapest-first: not applied, the tier was forced`);
    } else if (route?.cascadeMode === 'cheapest-first') {
      const cheapest = tierNames[0] ?? decision.tier;
      adjustments.push(`route ${routeName} cascadeMode cheapest-first: starts at ${cheapest}, not ${decision.tier}`);
      decision = { tier: cheapest, strategy: 'cheapest-first', confidence: 1 };
    }
    let tier = decision.tier;
    const minTier = route?.minTier;
    if (minTier !== undefined && ladder.indexOf(minTier) > ladder.indexOf(tier)) {
      if (forcedTier !== undefined) {
        adjustments.push(`route ${routeName} minTier ${minTier}: not applied, the tier was forced`);
      } else {
        adjustments.push(`route ${routeName} minTier ${minTier}: raised from ${tier} to ${minTier}`);
        tier = minTier;
      }
    }
    const maxTier = request.max_tier;
    if (maxTier !== undefined && ladder.indexOf(maxTier) < ladder.indexOf(tier)) {
      adjustments.push(`max_tier ${maxTier}: capped from ${tier} to ${maxTier}`);
      tier = maxTier;
    }

    return {
      ...decision,
      tier,
      route: routeName,
      scores,
      adjustments,
      chain,
      durationUs: Number(process.hrtime.bigint() - started) / 1000,
    };
  }

  const counters = () => {
    const all: Record<string, Readonly<Record<string, number>>> = {};
    for (const strategy of strategies)
      if (strategy.counters !== undefined) all[strategy.name] = { ...strategy.counters };
    return all;
  };

  return {
    classify: (request) => decide(request, (strategy, prompt) => strategy.classify(prompt)),
    async explain(request: ChatRequest): Promise<RouteExplanation> {
      const timed = new Map<ClassificationStrategy, { verdict: StrategyVerdict; durationUs: number }>();
      const run = async (strategy: ClassificationStrategy, prompt: string) => {
        const started = process.hrtime.bigint();
        const verdict = await strategy.classify(prompt);
        timed.set(strategy, { verdict, durationUs: Number(process.hrtime.bigint() - started) / 1000 });
        return verdict;
      };
      const decision = await decide(request, run);
      const inChain = new Set(timed.keys());
      const prompt = promptOf(request);
      for (const strategy of strategies)
        if (!timed.has(strategy) && strategy.callsModel !== true) await run(strategy, prompt);
      return {
        decision,
        strategies: strategies.map((strategy) => {
          const ran = timed.get(strategy);
          return ran === undefined
            ? skippedVerdict(strategy)
            : { ...ran.verdict, inChain: inChain.has(strategy), skipped: false, durationUs: ran.durationUs };
        }),
        counters: counters(),
      };
    },
    async ready() {
      await Promise.all(strategies.map((strategy) => strategy.prepare?.()));
    },
    counters,
  };
}
