import { TierLadder, type StrategyVerdict, type SwitchyardConfig } from '@switchyard/core';
import { boundedText } from './bounded-text.ts';
import { measurePrompt, type PromptShape } from './prompt-shape.ts';
import { tierRules } from './rules-patterns.ts';
import type { ClassificationStrategy } from './strategy.ts';
import { levelIndexes, scoreTiers, type Level } from './tier-scores.ts';

export type RulesStrategyConfig = Pick<SwitchyardConfig, 'tiers' | 'classifier'>;

/** Every tier starts with this much evidence (see tier-scores.ts for what it buys). */
const prior = 0.5;

/**
 * Length and structure leans. A prompt of a few words rarely needs a strong model; a long or
 * multi-part prompt, or a word problem with many given quantities, usually asks for more than a
 * look-up. Pasted code leans medium, not complex: on the labeled set, snippets mostly came with
 * everyday questions ("why does this loop never end?"), and the hard ones carry their own
 * signals (race conditions, security review). A question over two or more given quantities in
 * a longer prompt is a word problem ("a jacket costs $120 and is 35% off: the sale price?"):
 * worked steps, more than a look-up. They are leans, not verdicts: they weigh in when a pattern
 * matched (one pattern of weight 1 outweighs any single one of them), and alone they decide
 * nothing (see createRulesStrategy).
 */
const veryShortWords = 5;
const shortWords = 10;
const longWords = 120;
const veryLongWords = 300;
const multiPartItems = 3;
const multiPartQuestions = 3;
const manyQuantities = 6;
const wordProblemQuantities = 2;
// Characters per word for prompts without spaces (a 1 MB blob is long, not one short word).
const charsPerWord = 6;

function shapeEvidence(shape: PromptShape, add: (level: Level, weight: number) => void): void {
  const words = Math.max(shape.words, shape.chars / charsPerWord);
  if (words <= veryShortWords) add('simple', 0.8);
  else if (words <= shortWords) add('simple', 0.3);
  if (words >= veryLongWords) add('complex', 1);
  else if (words >= longWords) add('complex', 0.5);
  if (shape.listItems >= multiPartItems || shape.questions >= multiPartQuestions) add('complex', 0.5);
  if (shape.numbers >= manyQuantities) add('complex', 0.7);
  else if (shape.numbers >= wordProblemQuantities && shape.questions > 0 && words > shortWords) add('medium', 0.5);
  if (shape.hasCode) add('medium', 0.5);
}

/**
 * Regex rules for clearly complex and clearly simple prompts (rules-patterns.ts) plus a length
 * and structure heuristic. Decides tiers only: the route is always the fallback route.
 *
 * When no pattern matched, the verdict is unsure whatever the shape says: a short prompt is not
 * an easy one ("Is P equal to NP?", "prove there are infinitely many primes" in a language the
 * patterns do not cover), and on its own the short-prompt lean would send it to the cheapest
 * tier with confidence 0.44-0.57, over the 0.35 threshold. Unsure, the chain asks the next
 * strategy or falls back to the default tier. The scores still carry the shape's lean.
 */
export function createRulesStrategy(config: RulesStrategyConfig): ClassificationStrategy {
  const ladder = new TierLadder(config);
  const levels = levelIndexes(ladder);
  const route = config.classifier.fallbackRoute;
  const scoring = { prior, minGap: config.classifier.minGap };

  return {
    name: 'rules',
    classify(prompt: string): StrategyVerdict {
      const text = boundedText(prompt);
      const evidence = new Array<number>(ladder.names.length).fill(0);
      const add = (level: Level, weight: number) => {
        evidence[levels[level]] = (evidence[levels[level]] ?? 0) + weight;
      };
      // A simple marker (a greeting, "translate", "define") next to a harder task does not make
      // the task easy: "Hi! Prove that there are infinitely many primes." needs the proof. Simple
      // patterns count only when no harder pattern matched, since sending a hard prompt to the
      // cheapest tier (under-routing) is the expensive mistake.
      const hits = tierRules.filter((rule) => rule.pattern.test(text));
      const harder = hits.some((rule) => rule.level !== 'simple');
      for (const rule of hits) if (!harder || rule.level !== 'simple') add(rule.level, rule.weight);
      const matched = hits.length > 0;
      shapeEvidence(measurePrompt(prompt, text), add);

      const tiers = scoreTiers(ladder, evidence, scoring, 'no rule matched');
      const verdict: StrategyVerdict = {
        strategy: 'rules',
        tier: tiers.tier,
        route,
        confidence: tiers.confidence,
        scores: tiers.scores,
      };
      if (tiers.unsure !== undefined) verdict.unsure = tiers.unsure;
      else if (!matched) verdict.unsure = 'no rule matched, only the prompt shape';
      return verdict;
    },
  };
}
