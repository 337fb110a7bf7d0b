import { TierLadder, type StrategyVerdict, type SwitchyardConfig } from '@switchyard/core';
import { boundedText } from './bounded-text.ts';
import type { ClassificationStrategy } from './strategy.ts';
import { createTermMatcher } from './term-matcher.ts';
import { tierMarkers } from './tier-markers.ts';
import { levelIndexes, round, scoreTiers } from './tier-scores.ts';

export type KeywordsStrategyConfig = Pick<SwitchyardConfig, 'tiers' | 'routes' | 'classifier'>;

/** Every tier starts with this much evidence (see tier-scores.ts for what it buys). */
const prior = 0.5;
/**
 * A clearly matched expert route is evidence that the request is real work, not small talk: it
 * leans toward the middle tier (or the route's minTier when that is higher) with this weight
 * times the route score, i.e. less than one tier marker, so markers still decide.
 */
const routeLeanWeight = 0.75;

/**
 * Keyword overlap per expert route, plus tier marker terms. The route is the expert whose keywords
 * the prompt overlaps most, when its score reaches `classifier.confidenceThreshold`; otherwise the
 * fallback route. The tier comes from the markers in tier-markers.ts and the route's evidence.
 *
 * `confidence` is the tier's; the route's own confidence is `scores['route:<name>']`.
 */
export function createKeywordsStrategy(config: KeywordsStrategyConfig): ClassificationStrategy {
  const ladder = new TierLadder(config);
  const levels = levelIndexes(ladder);
  const fallbackRoute = config.classifier.fallbackRoute;
  const threshold = config.classifier.confidenceThreshold;
  const scoring = { prior, minGap: config.classifier.minGap };
  const experts = config.routes.filter((route) => route.name !== fallbackRoute && route.keywords.length > 0);
  const expertLean = experts.map((route) =>
    Math.max(levels.medium, route.minTier === undefined ? 0 : ladder.indexOf(route.minTier)),
  );
  const routeKeys = experts.map((route) => `route:${route.name}`);
  const fallbackKey = `route:${fallbackRoute}`;
  // Two matchers, not one: in a single alternation a marker ("write a function") would consume
  // the route keyword inside it ("function") and hide it.
  const keywordMatcher = createTermMatcher(experts.map((route) => route.keywords));
  const markerMatcher = createTermMatcher([tierMarkers.simple, tierMarkers.medium, tierMarkers.complex]);

  return {
    name: 'keywords',
    classify(prompt: string): StrategyVerdict {
      const text = boundedText(prompt);
      const counts = keywordMatcher.count(text);
      const markers = markerMatcher.count(text);
      const scores: Record<string, number> = {};

      let hitTotal = 0;
      for (let index = 0; index < experts.length; index += 1) hitTotal += counts[index] ?? 0;
      let bestIndex = -1;
      let bestScore = 0;
      let tied = false;
      for (let index = 0; index < experts.length; index += 1) {
        const hits = counts[index] ?? 0;
        // Saturates with more distinct keywords (1 → 0.5, 2 → 0.75, 3 → 0.88) and is shared out
        // when several experts match: one keyword each for code and legal leaves both at 0.25,
        // below the default threshold, so the request goes to the generalist.
        const score = hitTotal === 0 ? 0 : round((1 - 0.5 ** hits) * (hits / hitTotal));
        scores[routeKeys[index] as string] = score;
        if (score > bestScore) {
          bestScore = score;
          bestIndex = index;
          tied = false;
        } else if (score === bestScore && score > 0) {
          tied = true;
        }
      }
      const expert = !tied && bestScore >= threshold ? experts[bestIndex] : undefined;
      scores[fallbackKey] = round(1 - bestScore);

      const evidence = new Array<number>(ladder.names.length).fill(0);
      const add = (index: number, weight: number) => (evidence[index] = (evidence[index] ?? 0) + weight);
      add(levels.simple, markers[0] ?? 0);
      add(levels.medium, markers[1] ?? 0);
      add(levels.complex, markers[2] ?? 0);
      if (expert !== undefined) add(expertLean[bestIndex] ?? levels.medium, routeLeanWeight * bestScore);

      const noEvidence = hitTotal > 0 ? 'no tier marker and no clear expert' : 'no keyword or tier marker matched';
      const tiers = scoreTiers(ladder, evidence, scoring, noEvidence);
      const verdict: StrategyVerdict = {
        strategy: 'keywords',
        tier: tiers.tier,
        route: expert?.name ?? fallbackRoute,
        confidence: tiers.confidence,
        scores: { ...tiers.scores, ...scores },
      };
      if (tiers.unsure !== undefined) verdict.unsure = tiers.unsure;
      return verdict;
    },
  };
}
