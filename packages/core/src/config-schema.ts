import { z } from 'zod';
import { checkJudge, feedbackSchema, qualitySchema } from './quality-config.ts';
import { classifierSchema, type strategyNameSchema } from './classifier-config-schema.ts';
import { thinkingSchema } from './thinking-config.ts';
import { deploymentSchema } from './deployment-schema.ts';
import { checkExperiments, experimentSchema } from './experiment-config.ts';
import {
  adminSchema,
  apiKeySchema,
  apiSchema,
  authSchema,
  metricsSchema,
  queueSchema,
  shutdownSchema,
} from './service-config-schema.ts';

export { deploymentSchema };
export { adminSchema, apiKeySchema, apiSchema, authSchema, metricsSchema, queueSchema, shutdownSchema };

const name = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'must be lowercase letters, digits, "-" or "_", starting with a letter');

export const tierSchema = z.strictObject({
  name,
  /**
   * What the tier's models are good for, in a sentence or two. The llm strategy's policy prompt
   * shows it to the classifying model (without one the model sees only the tier's place on the
   * ladder); 1,000 characters keep every classification call short.
   */
  description: z.string().min(1).max(1_000).optional(),
  /** Tried in order: provider redundancy inside a tier. */
  deployments: z.array(deploymentSchema).min(1),
  /** Overrides `cascade.qualityThreshold` for answers produced on this tier. */
  qualityThreshold: z.number().min(0).max(1).optional(),
  /** Extended thinking / reasoning effort of every call on this tier; none when absent. */
  thinking: thinkingSchema.optional(),
});

export const routeSchema = z.strictObject({
  name,
  systemPrompt: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  /** Requests on this route never run below this tier. */
  minTier: z.string().optional(),
  /**
   * `classify` (default): a request starts on the tier its classification picked. `cheapest-first`:
   * every request of the route starts on the lowest tier allowed (its `minTier`, else the
   * cheapest) and climbs on the quality gate; the classification still names the route.
   */
  cascadeMode: z.enum(['classify', 'cheapest-first']).default('classify'),
  keywords: z.array(z.string().min(1)).default([]),
  examples: z.array(z.string().min(1)).default([]),
  /** Overrides the tiers' `thinking` for this route's requests on every tier; `false`: none here. */
  thinking: z.union([thinkingSchema, z.literal(false)]).optional(),
});

export const cascadeSchema = z.strictObject({
  enabled: z.boolean().default(true),
  qualityThreshold: z.number().min(0).max(1).default(0.7),
  /** The heuristic gate runs on every answer; `quality.judge` adds an LLM judge to it. */
  judge: z.enum(['heuristic']).default('heuristic'),
  maxEscalations: z.number().int().min(0).default(2),
  /**
   * How long a hop waits (delayed, not failed, no attempt counted) while every deployment of its
   * tier is unavailable (breakers open, cooling down after a 429). 2 minutes covers a few breaker
   * reset cycles at the default 30 s; past it, `onUnavailable` decides.
   */
  unavailableWaitMs: z.number().int().min(0).default(120_000),
  /** What happens when the wait is over: try the next tier up, or fail the request. */
  onUnavailable: z.enum(['escalate', 'fail']).default('escalate'),
});

/** The circuit breaker of one provider endpoint (one per endpoint in each executor process). */
export const breakerSchema = z.strictObject({
  /** A call running longer is aborted and counts as a failure. Defaults to the provider's `timeoutMs`. */
  timeoutMs: z.number().int().positive().optional(),
  /** Share of failed calls in the rolling window, in percent, above which the breaker opens. */
  errorThresholdPercentage: z.number().min(1).max(100).default(50),
  /**
   * Calls in the rolling window before the breaker may open at all (opossum's own default, 0, opens
   * on the first failure).
   */
  volumeThreshold: z.number().int().min(1).default(5),
  /** How long an open breaker stays open before one probe call may test the provider. */
  resetTimeoutMs: z.number().int().positive().default(30_000),
  /** Length of the window the error share is computed over. */
  rollingWindowMs: z.number().int().positive().default(10_000),
});

export const providerSchema = z.strictObject({
  /** Which adapter serves this endpoint. */
  type: z.enum(['anthropic', 'openai', 'simulated', 'replay']),
  /** Name of the environment variable holding the API key; the key itself never goes in the file. */
  apiKeyEnv: z.string().optional(),
  baseURL: z.url().optional(),
  timeoutMs: z.number().int().positive().default(60_000),
  /**
   * Ask for a server-sent-event stream and assemble the answer from it (hosted APIs, vLLM, Ollama
   * and llama.cpp all stream).
   */
  stream: z.boolean().default(false),
  /**
   * `openai` only: the field that carries the output limit. OpenAI's reasoning models accept only
   * `max_completion_tokens`; many OpenAI-compatible servers know only `max_tokens`. Default:
   * `max_completion_tokens` without a `baseURL`, `max_tokens` with one.
   */
  maxTokensField: z.enum(['max_completion_tokens', 'max_tokens']).optional(),
  /** `replay` only: the data set file of recorded answers (relative paths start at the working directory). */
  dataset: z.string().min(1).optional(),
  breaker: breakerSchema.default(breakerSchema.parse({})),
});

export const simulationSchema = z.strictObject({
  /** Simulated answers take between these many milliseconds (deterministic per prompt). */
  latencyMs: z
    .strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) })
    .default({ min: 20, max: 120 }),
  /** Share of deliberately weak answers (empty, refusal, truncated) per tier name, 0..1. */
  weakAnswerRate: z.record(z.string(), z.number().min(0).max(1)).default({}),
  /** Share of calls that fail with a retryable 503, 0..1. */
  failureRate: z.number().min(0).max(1).default(0),
});

export const cacheSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** An hour: long enough for a retried batch to hit, short enough that answers are not stale for days. */
  ttlSeconds: z.number().int().positive().default(3_600),
});

/** A spending limit of one API key (UTC days and months). */
export const budgetSchema = z.strictObject({
  dailyUsd: z.number().positive().optional(),
  monthlyUsd: z.number().positive().optional(),
  /** Over budget: `reject` answers 402; `cap` serves the request on tiers up to `capTier` only. */
  onExceeded: z.enum(['cap', 'reject']).default('reject'),
  /** The highest tier a capped key may use; default: the cheapest tier. */
  capTier: z.string().optional(),
  /** Share of a budget past which a warning is logged (once, by the request that crosses it) and stats flag it. */
  softThreshold: z.number().min(0).max(1).default(0.8),
  /** Output tokens assumed for the reservation when neither the request nor the deployment bounds them. */
  estimateOutputTokens: z.number().int().positive().default(1_024),
});

/** Traffic drift: each tier's share of the last hour's requests against its share of the last day's. */
export const driftSchema = z.strictObject({
  /** A tier whose share moved by more than this (share points, 0..1) is logged as a warning. */
  warnShift: z.number().gt(0).max(1).default(0.15),
  /** Fewer requests in the last hour than this say nothing: no warning. */
  minRequests: z.number().int().min(1).default(100),
  /** How often the API checks; 0: never (stats still show the drift). */
  checkSeconds: z.number().int().min(0).default(300),
});

export const ledgerSchema = z.strictObject({
  /** Days a day's cost totals are kept: 400 covers a year against the year before. */
  retentionDays: z.number().int().positive().default(400),
  drift: driftSchema.default(driftSchema.parse({})),
});

export const configSchema = z
  .strictObject({
    tiers: z.array(tierSchema).min(1),
    routes: z.array(routeSchema).min(1),
    classifier: classifierSchema,
    cascade: cascadeSchema.default(cascadeSchema.parse({})),
    providers: z.record(z.string(), providerSchema),
    simulation: simulationSchema.default(simulationSchema.parse({})),
    api: apiSchema.default(apiSchema.parse({})),
    auth: authSchema.default(authSchema.parse({})),
    queue: queueSchema.default(queueSchema.parse({})),
    shutdown: shutdownSchema.default(shutdownSchema.parse({})),
    metrics: metricsSchema.default(metricsSchema.parse({})),
    admin: adminSchema.default(adminSchema.parse({})),
    ledger: ledgerSchema.default(ledgerSchema.parse({})),
    cache: cacheSchema.default(cacheSchema.parse({})),
    feedback: feedbackSchema.default(feedbackSchema.parse({})),
    quality: qualitySchema.default(qualitySchema.parse({})),
    /** Budgets by API key id (`local` in open mode, without keys). */
    budgets: z.record(z.string(), budgetSchema).default({}),
    /** A/B experiments; a request is in at most one (see `assignExperiment`). None by default. */
    experiments: z.array(experimentSchema).default([]),
  })
  .superRefine((config, context) => {
    const tierNames = config.tiers.map((tier) => tier.name);
    const issue = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });

    tierNames.forEach((tierName, index) => {
      if (tierNames.indexOf(tierName) !== index) issue(['tiers', index, 'name'], `duplicate tier "${tierName}"`);
    });
    const routeNames = config.routes.map((route) => route.name);
    routeNames.forEach((routeName, index) => {
      if (routeNames.indexOf(routeName) !== index) issue(['routes', index, 'name'], `duplicate route "${routeName}"`);
    });
    config.routes.forEach((route, index) => {
      if (route.minTier !== undefined && !tierNames.includes(route.minTier)) {
        issue(['routes', index, 'minTier'], `unknown tier "${route.minTier}" (tiers: ${tierNames.join(', ')})`);
      }
    });
    for (const [keyId, budget] of Object.entries(config.budgets)) {
      if (budget.capTier !== undefined && !tierNames.includes(budget.capTier))
        issue(['budgets', keyId, 'capTier'], `unknown tier "${budget.capTier}" (tiers: ${tierNames.join(', ')})`);
      if (budget.dailyUsd === undefined && budget.monthlyUsd === undefined)
        issue(['budgets', keyId], 'needs dailyUsd, monthlyUsd or both');
    }
    if (!tierNames.includes(config.classifier.defaultTier)) {
      issue(
        ['classifier', 'defaultTier'],
        `unknown tier "${config.classifier.defaultTier}" (tiers: ${tierNames.join(', ')})`,
      );
    }
    if (!routeNames.includes(config.classifier.fallbackRoute)) {
      issue(
        ['classifier', 'fallbackRoute'],
        `unknown route "${config.classifier.fallbackRoute}" (routes: ${routeNames.join(', ')})`,
      );
    }
    config.tiers.forEach((tier, tierIndex) => {
      tier.deployments.forEach((deployment, deploymentIndex) => {
        if (!(deployment.provider in config.providers)) {
          issue(
            ['tiers', tierIndex, 'deployments', deploymentIndex, 'provider'],
            `unknown provider "${deployment.provider}" (providers: ${Object.keys(config.providers).join(', ')})`,
          );
        }
      });
    });
    for (const [providerName, provider] of Object.entries(config.providers)) {
      if (provider.type === 'replay' && provider.dataset === undefined) {
        issue(['providers', providerName, 'dataset'], 'required for type "replay" (the file of recorded answers)');
      }
      if (provider.type !== 'replay' && provider.dataset !== undefined) {
        issue(['providers', providerName, 'dataset'], `only used by type "replay", not "${provider.type}"`);
      }
      if (provider.type !== 'openai' && provider.maxTokensField !== undefined) {
        issue(['providers', providerName, 'maxTokensField'], `only used by type "openai", not "${provider.type}"`);
      }
    }
    checkJudge(config, issue);
    for (const tierName of Object.keys(config.simulation.weakAnswerRate)) {
      if (!tierNames.includes(tierName))
        issue(['simulation', 'weakAnswerRate', tierName], `unknown tier "${tierName}"`);
    }
    const keyIds = config.auth.keys.map((key) => key.id);
    keyIds.forEach((keyId, index) => {
      if (keyId === 'local') issue(['auth', 'keys', index, 'id'], '"local" is reserved for open mode');
      else if (keyIds.indexOf(keyId) !== index) issue(['auth', 'keys', index, 'id'], `duplicate key id "${keyId}"`);
    });
    const hashes = config.auth.keys.map((key) => key.hash);
    hashes.forEach((hash, index) => {
      if (hashes.indexOf(hash) !== index) issue(['auth', 'keys', index, 'hash'], 'the same key is listed twice');
    });
    checkExperiments(config.experiments, tierNames, issue);
    if (config.simulation.latencyMs.min > config.simulation.latencyMs.max) {
      issue(['simulation', 'latencyMs'], 'min must not exceed max');
    }
  });

export type SwitchyardConfig = z.infer<typeof configSchema>;
export type TierConfig = z.infer<typeof tierSchema>;
export type DeploymentConfig = z.infer<typeof deploymentSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;
export type StrategyName = z.infer<typeof strategyNameSchema>;

export type BudgetConfig = z.infer<typeof budgetSchema>;
