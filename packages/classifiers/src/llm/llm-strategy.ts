import { ConfigError, TierLadder, type StrategyVerdict, type SwitchyardConfig } from '@switchyard/core';
import type { ProviderAdapter } from '@switchyard/providers';
import type { ClassificationStrategy } from '../strategy.ts';
import { round } from '../tier-scores.ts';
import { answerSchema, classificationInstructions, parseAnswer } from './llm-answer.ts';

/** The model that classifies, chosen by the caller (which owns the provider registry). */
export interface LlmDeployment {
  adapter: ProviderAdapter;
  model: string;
  /**
   * True when a simulated adapter stands in for the deployment (no API key). The strategy then
   * never calls it and says it is unavailable: a simulated "classification" would be noise
   * passed off as a decision.
   */
  simulated: boolean;
}

export type LlmStrategyCounters = {
  /** Classifications asked of the model. */
  calls: number;
  /** Valid answers. */
  answered: number;
  /** Answers that were not the JSON asked for (the verdict is unsure, the chain falls through). */
  invalid: number;
  /** Calls that threw or timed out. */
  failed: number;
  /** Verdicts given without a call because no real model is available. */
  unavailable: number;
};

/** The model's one-sentence reason travels with the verdict (shown by `route --explain`, kept on the record). */
export type LlmVerdict = StrategyVerdict & { reason: string };

export interface LlmStrategy extends ClassificationStrategy {
  readonly counters: Readonly<LlmStrategyCounters>;
}

/**
 * The classifying model reads at most this much of a prompt: the first 3,000 and last 1,000
 * characters (about 1,000 tokens), so classifying a 1 MB prompt costs what a short one does.
 */
const headChars = 3_000;
const tailChars = 1_000;
/** The answer is one short JSON object; 200 tokens leave room for the reason. */
const maxOutputTokens = 200;

/** Which deployment `classifier.llm` names; throws a ConfigError naming the bad field. */
export function llmDeploymentRef(config: SwitchyardConfig): { tier: string; deploymentIndex: number } {
  const ladder = new TierLadder(config);
  const tier = config.classifier.llm.tier ?? (ladder.names[0] as string);
  if (!ladder.has(tier))
    throw new ConfigError('configuration is invalid:', [
      `classifier.llm.tier: unknown tier "${tier}" (tiers: ${ladder.names.join(', ')})`,
    ]);
  const deploymentIndex = config.classifier.llm.deployment;
  const count = ladder.get(tier).deployments.length;
  if (deploymentIndex >= count) {
    throw new ConfigError('configuration is invalid:', [
      `classifier.llm.deployment: tier "${tier}" has ${count} deployment(s), so ${deploymentIndex} is out of range`,
    ]);
  }
  return { tier, deploymentIndex };
}

/**
 * Asks the cheapest configured model (or `classifier.llm`'s) for the tier as a JSON answer
 * (tier, route, confidence, reason), validated with zod. An invalid answer, a failed call or a
 * missing model gives an unsure verdict, counted in `counters`, and the chain falls through to
 * the default tier.
 */
export function createLlmStrategy(config: SwitchyardConfig, deployment: LlmDeployment | undefined): LlmStrategy {
  const ladder = new TierLadder(config);
  llmDeploymentRef(config);
  const fallbackRoute = config.classifier.fallbackRoute;
  const routeNames = config.routes.map((route) => route.name);
  const schema = answerSchema(ladder.names, routeNames);
  const system = classificationInstructions(ladder.names, config.routes, fallbackRoute);
  const timeoutMs = config.classifier.llm.timeoutMs;
  const counters: LlmStrategyCounters = { calls: 0, answered: 0, invalid: 0, failed: 0, unavailable: 0 };

  const unsure = (reason: string): StrategyVerdict => ({
    strategy: 'llm',
    tier: config.classifier.defaultTier,
    route: fallbackRoute,
    confidence: 0,
    scores: {},
    unsure: reason,
  });
  const unavailable = (reason: string): StrategyVerdict => {
    counters.unavailable += 1;
    return unsure(`unavailable: ${reason}`);
  };

  return {
    name: 'llm',
    counters,
    callsModel: true,
    async classify(prompt: string): Promise<StrategyVerdict> {
      if (deployment === undefined) return unavailable('no model was given to the llm strategy');
      if (deployment.simulated)
        return unavailable(
          `${deployment.adapter.name}/${deployment.model} is answered by the simulated provider (no API key), ` +
            'so no model can classify',
        );
      counters.calls += 1;
      const excerpt =
        prompt.length <= headChars + tailChars
          ? prompt
          : `${prompt.slice(0, headChars)}\n[...]\n${prompt.slice(-tailChars)}`;
      let text: string;
      try {
        const result = await deployment.adapter.generate(
          {
            model: deployment.model,
            system,
            messages: [{ role: 'user', content: `<request>\n${excerpt}\n</request>` }],
            maxOutputTokens,
            temperature: 0,
            json: true,
          },
          { signal: AbortSignal.timeout(timeoutMs) },
        );
        if (result.simulated)
          return unavailable(`${deployment.adapter.name}/${deployment.model} answered with simulated text`);
        text = result.text;
      } catch (error) {
        counters.failed += 1;
        return unsure(`call failed: ${(error as Error).message}`);
      }
      const parsed = parseAnswer(text, schema);
      if ('problem' in parsed) {
        counters.invalid += 1;
        return unsure(`invalid answer: ${parsed.problem}`);
      }
      counters.answered += 1;
      const { answer } = parsed;
      // The model states one confidence; the rest is shared evenly so the chain's top-2 gap means
      // what it means for the other strategies.
      const rest = ladder.names.length > 1 ? (1 - answer.confidence) / (ladder.names.length - 1) : 0;
      const scores: Record<string, number> = {};
      for (const name of ladder.names) scores[name] = round(name === answer.tier ? answer.confidence : rest);
      if (answer.route !== undefined) scores[`route:${answer.route}`] = round(answer.confidence);
      const verdict: LlmVerdict = {
        strategy: 'llm',
        tier: answer.tier,
        route: answer.route ?? fallbackRoute,
        confidence: round(answer.confidence),
        scores,
        reason: answer.reason,
      };
      return verdict;
    },
  };
}
