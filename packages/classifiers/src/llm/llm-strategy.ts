import { createHash } from 'node:crypto';
import {
  breakerSchema,
  ConfigError,
  normalizePrompt,
  TierLadder,
  type ProviderConfig,
  type StrategyVerdict,
  type SwitchyardConfig,
} from '@switchyard/core';
import { BreakerBoard, DeploymentUnavailableError, type ProviderAdapter } from '@switchyard/providers';
import type { ClassificationStrategy } from '../strategy.ts';
import { round } from '../tier-scores.ts';
import { parseAnswer, type LlmAnswer } from './llm-answer.ts';
import { policyPrompt, promptExcerpt } from './llm-policy-prompt.ts';
import { VerdictCache } from './verdict-cache.ts';

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
  /**
   * The breaker the calls go through (see createLlmBreakers). Every strategy given this
   * deployment shares it, as the chains of an evaluation's folds do; without it each strategy
   * builds its own.
   */
  breakers?: BreakerBoard;
}

export type LlmStrategyCounters = {
  /** Classifications asked of the model (cache misses that reached it). */
  calls: number;
  /** Valid answers. */
  answered: number;
  /** Answers that were not the JSON asked for (the verdict is unsure, the chain falls through). */
  invalid: number;
  /** Calls that threw or timed out. */
  failed: number;
  /** Verdicts given without a call because no real model is available. */
  unavailable: number;
  /** Verdicts given without a call because the endpoint's breaker was open (unsure, like a failure). */
  breakerOpen: number;
  /** Valid answers that named no confidence, so `classifier.llm.defaultConfidence` stood in. */
  defaultedConfidence: number;
  /** Verdicts taken from the cache (or from the same prompt's call already in flight). */
  cacheHits: number;
  cacheMisses: number;
};

/** The model's reason, when it gives one, travels with the verdict (shown by `route --explain`). */
export type LlmVerdict = StrategyVerdict & { reason?: string };

export interface LlmStrategy extends ClassificationStrategy {
  readonly counters: Readonly<LlmStrategyCounters>;
}

export interface LlmStrategyOptions {
  /**
   * Used instead of a cache of the strategy's own: several strategies may share one (an
   * evaluation's folds and candidates), since the key holds the policy prompt and the model.
   */
  cache?: VerdictCache<LlmVerdict>;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The answer is one short JSON object; 200 tokens leave room for a model that adds a reason. */
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

/** A cache sized and timed as `classifier.llm` says. */
export function createLlmVerdictCache(config: SwitchyardConfig): VerdictCache<LlmVerdict> {
  const { cacheSize, cacheTtlSeconds } = config.classifier.llm;
  return new VerdictCache<LlmVerdict>({ maxEntries: cacheSize, ttlMs: cacheTtlSeconds * 1_000 });
}

/**
 * A breaker of its own for the classifying endpoint, with the endpoint's breaker settings but
 * `classifier.llm.timeoutMs` as its timeout: while the server is down, classifications fall
 * through at once instead of each waiting out the timeout. It is not the executor's board: a
 * classification's 10 s limit is not an answer's 60 s, and the classifier runs in other processes.
 */
export function createLlmBreakers(config: SwitchyardConfig, endpoint: string): BreakerBoard {
  // An adapter named after no configured endpoint (one built by hand) gets the default breaker.
  const configured: ProviderConfig = config.providers[endpoint] ?? {
    type: 'openai',
    timeoutMs: config.classifier.llm.timeoutMs,
    stream: false,
    breaker: breakerSchema.parse({}),
  };
  const breaker = { ...configured.breaker, timeoutMs: config.classifier.llm.timeoutMs };
  return new BreakerBoard({ providers: { [endpoint]: { ...configured, breaker } } });
}

/**
 * Asks the configured model (the cheapest tier's first deployment unless `classifier.llm` says
 * otherwise) for the tier and route as JSON, under a policy prompt built from the config. Valid
 * verdicts are cached by the normalised prompt excerpt and the policy; an invalid answer, a failed
 * or timed-out call, an open breaker or a missing model gives an unsure verdict naming why, counted
 * in `counters`, and the chain falls through. It never throws.
 */
export function createLlmStrategy(
  config: SwitchyardConfig,
  deployment: LlmDeployment | undefined,
  options: LlmStrategyOptions = {},
): LlmStrategy {
  const ladder = new TierLadder(config);
  llmDeploymentRef(config);
  const { fallbackRoute, defaultTier } = config.classifier;
  const { promptChars, defaultConfidence } = config.classifier.llm;
  const policy = policyPrompt(config.tiers, config.routes, fallbackRoute);
  const vocabulary = { tierNames: ladder.names, routeNames: policy.routeNames, defaultConfidence };
  // The answer depends on the policy, the model and what the model reads: all of them are in the key.
  const modelName = deployment === undefined ? '' : `${deployment.adapter.name}/${deployment.model}`;
  const policyHash = sha256(JSON.stringify([policy.system, modelName, promptChars, defaultConfidence]));
  const cache = options.cache ?? createLlmVerdictCache(config);
  const inFlight = new Map<string, Promise<StrategyVerdict>>();
  const breakers = deployment?.breakers ?? (deployment && createLlmBreakers(config, deployment.adapter.name));
  const counters: LlmStrategyCounters = {
    calls: 0,
    answered: 0,
    invalid: 0,
    failed: 0,
    unavailable: 0,
    breakerOpen: 0,
    defaultedConfidence: 0,
    cacheHits: 0,
    cacheMisses: 0,
  };

  const unsure = (reason: string): StrategyVerdict => ({
    strategy: 'llm',
    tier: defaultTier,
    route: fallbackRoute,
    confidence: 0,
    scores: {},
    unsure: reason,
  });
  const unavailable = (reason: string): StrategyVerdict => {
    counters.unavailable += 1;
    return unsure(`unavailable: ${reason}`);
  };

  const verdictOf = (answer: LlmAnswer): LlmVerdict => {
    // The model states one confidence; the rest is shared evenly so the chain's top-2 gap means
    // what it means for the other strategies.
    const rest = ladder.names.length > 1 ? (1 - answer.confidence) / (ladder.names.length - 1) : 0;
    const scores: Record<string, number> = {};
    for (const name of ladder.names) scores[name] = round(name === answer.tier ? answer.confidence : rest);
    if (answer.route !== undefined) scores[`route:${answer.route}`] = round(answer.confidence);
    const reason = answer.confidenceDefaulted
      ? `no confidence given, ${defaultConfidence} assumed${answer.reason === undefined ? '' : `: ${answer.reason}`}`
      : answer.reason;
    return {
      strategy: 'llm',
      tier: answer.tier,
      route: answer.route ?? fallbackRoute,
      confidence: round(answer.confidence),
      scores,
      ...(reason === undefined ? {} : { reason }),
    };
  };

  async function ask(model: LlmDeployment, board: BreakerBoard, excerpt: string): Promise<StrategyVerdict> {
    let text: string;
    try {
      const result = await board.call({ provider: model.adapter.name, model: model.model }, (signal) => {
        counters.calls += 1;
        return model.adapter.generate(
          {
            model: model.model,
            system: policy.system,
            messages: [{ role: 'user', content: `<request>\n${excerpt}\n</request>` }],
            maxOutputTokens,
            temperature: 0,
            json: true,
          },
          { signal },
        );
      });
      if (result.simulated) return unavailable(`${model.adapter.name}/${model.model} answered with simulated text`);
      text = result.text;
    } catch (error) {
      if (error instanceof DeploymentUnavailableError) {
        counters.breakerOpen += 1;
        return unsure(`call skipped: ${error.message}`);
      }
      counters.failed += 1;
      return unsure(`call failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = parseAnswer(text, vocabulary);
    if ('problem' in parsed) {
      counters.invalid += 1;
      return unsure(`invalid answer: ${parsed.problem}`);
    }
    counters.answered += 1;
    if (parsed.answer.confidenceDefaulted) counters.defaultedConfidence += 1;
    return verdictOf(parsed.answer);
  }

  return {
    name: 'llm',
    counters,
    callsModel: true,
    async classify(prompt: string): Promise<StrategyVerdict> {
      if (deployment === undefined || breakers === undefined)
        return unavailable('no model was given to the llm strategy');
      if (deployment.simulated)
        return unavailable(
          `${deployment.adapter.name}/${deployment.model} is answered by the simulated provider (no API key), ` +
            'so no model can classify',
        );
      const excerpt = promptExcerpt(prompt, promptChars);
      // Keyed by what the model reads, whitespace-normalised: prompts that differ only in
      // whitespace, or beyond the excerpt, get the same answer anyway.
      const key = sha256(`${policyHash}\n${normalizePrompt(excerpt)}`);
      const cached = cache.get(key) ?? inFlight.get(key);
      if (cached !== undefined) {
        counters.cacheHits += 1;
        const verdict = await cached;
        return { ...verdict, scores: { ...verdict.scores } };
      }
      counters.cacheMisses += 1;
      const pending = ask(deployment, breakers, excerpt);
      inFlight.set(key, pending);
      try {
        const verdict = await pending;
        // Only valid answers are kept: a failure or an invalid answer may not happen again.
        if (verdict.unsure === undefined) cache.set(key, verdict);
        return verdict;
      } finally {
        inFlight.delete(key);
      }
    },
  };
}
