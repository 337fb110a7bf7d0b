import { z } from 'zod';
import { checkJudge, feedbackSchema, qualitySchema } from './quality-config.ts';
import { classifierSchema, type strategyNameSchema } from './classifier-config-schema.ts';
import { thinkingSchema } from './thinking-config.ts';
import { deploymentSchema } from './deployment-schema.ts';
import { checkExperiments, experimentSchema } from './experiment-config.ts';

export { deploymentSchema };

const name = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'must be lowercase letters, digits, "-" or "_", starting with a letter');

export const tierSchema = z.strictObject({
  name,
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

export const apiSchema = z.strictObject({
  /**
   * Address to listen on. Unset: all interfaces when `auth.keys` has keys, loopback (127.0.0.1)
   * in open mode, so a stack without keys is never reachable from the network by accident.
   */
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65_535).default(8080),
  /** Largest accepted body for single requests (bytes); each item of a batch is held to it too, as compact JSON. */
  bodyLimitBytes: z.number().int().positive().default(1_048_576),
  /**
   * Most messages in one request, alone or in a batch: OpenAI's own limit, and it bounds the work
   * of validating one.
   */
  maxMessages: z.number().int().positive().default(2_048),
  /** Largest accepted body for `POST /v1/batches` (bytes). */
  batchBodyLimitBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1_048_576),
  maxBatchSize: z.number().int().positive().default(10_000),
  /**
   * Largest file `POST /v1/files` takes (bytes). Files are kept in Redis, so the limit bounds its
   * memory: 64 MiB, like `batchBodyLimitBytes`, holds a JSONL file of `maxBatchSize` requests of
   * about 6 KB each.
   */
  filesMaxBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1_048_576),
  /**
   * How long an uploaded file is kept. 7 days, the default `queue.retentionSeconds`: an input file
   * lives as long as the records of the batch made from it.
   */
  filesTtlSeconds: z
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  /**
   * A batch's progress stream recounts at least this often, not only on completion events: an
   * event published while the API's subscription was down is never delivered, and without the
   * recount the stream would wait for `done` forever. Each recount reads one field per request.
   */
  /**
   * Longest time to receive one whole request, headers and body. Without it a client that sends
   * part of a body holds its connection (and its buffered bytes) forever; 60 s lets a 64 MB batch
   * through at about 1 MB/s. Waiting for the answer (long polls, event streams, synchronous chat
   * completions) is not counted: it starts once the request is in.
   */
  requestTimeoutMs: z.number().int().min(100).default(60_000),
  /** Longest time to receive the headers: they are small, so a client this slow is holding a connection open. */
  headersTimeoutMs: z.number().int().min(100).default(10_000),
  /**
   * An idle keep-alive connection is closed after this; above the 60 s idle timeout of common load
   * balancers, as Fastify's own default.
   */
  keepAliveTimeoutMs: z.number().int().min(100).default(72_000),
  progressRecountMs: z.number().int().min(100).default(5_000),
  /**
   * How long `POST /v1/chat/completions` waits for the answer before a 504 that names the request
   * id (the request keeps running; `GET /v1/requests/:id` collects it). 5 minutes: below the
   * official OpenAI SDKs' own 10-minute timeout, so a client gets our 504 with the id instead of
   * its own timeout without one, and above a long answer of a slow top-tier model.
   */
  syncTimeoutMs: z.number().int().positive().default(300_000),
});

/** One API key. The secret itself is never stored: only its SHA-256, as printed by `switchyard keys create`. */
export const apiKeySchema = z.strictObject({
  /** A name; this id (never the secret) goes on request records, the ledger and logs. */
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
      'must be 1-64 letters, digits, ".", "-" or "_", starting with a letter or digit',
    ),
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lowercase hex digits'),
  /** `admin` reads every key's requests and batches and reaches the admin routes. */
  role: z.enum(['client', 'admin']).default('client'),
  /** Requests this key may start per minute, across every API instance; unset = no limit. */
  requestsPerMinute: z.number().int().positive().optional(),
  /** Tokens (prompt estimate + `max_tokens`) this key may ask for per minute; unset = no limit. */
  tokensPerMinute: z.number().int().positive().optional(),
});

export const authSchema = z.strictObject({
  /** Empty = open mode: every request is the admin `local`, and the API binds to loopback. */
  keys: z.array(apiKeySchema).default([]),
  /**
   * Open mode on a non-loopback `api.host` is refused unless this is true: without keys anyone
   * who can reach the port submits paid work and reads every answer.
   */
  allowOpenNetwork: z.boolean().default(false),
});

/** The metrics and health port of worker processes (the API serves `/metrics` on its own port). */
export const metricsSchema = z.strictObject({
  /** Port of `/metrics`, `/healthz` and `/readyz` on classifier and executor processes; absent: no port. */
  port: z.number().int().min(0).max(65_535).optional(),
  /** Every interface by default: Prometheus and the kubelet call from outside the pod. */
  host: z.string().default('0.0.0.0'),
});

/** The admin pages (Bull Board at `/admin/queues`, `/dashboard`). */
export const adminSchema = z.strictObject({
  /** Bull Board without retry, clean, promote or remove: for an API instance that on-call viewers use. */
  readOnly: z.boolean().default(false),
});

export const queueSchema = z.strictObject({
  /** Namespace of every Redis key Switchyard writes. */
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('switchyard'),
  /** BullMQ attempts per hop for retryable failures. */
  attempts: z.number().int().positive().default(3),
  backoffMs: z.number().int().positive().default(1_000),
  classifierConcurrency: z.number().int().positive().default(50),
  executorConcurrency: z.number().int().positive().default(20),
  /**
   * How long a job stays locked to a worker between heartbeats, and how often workers look for
   * jobs whose worker died. A killed worker's job runs again after at most about twice this.
   */
  lockDurationMs: z.number().int().min(1_000).default(30_000),
  /**
   * How long a request's answer stream (the chunks a streaming chat completion relays) is kept
   * after its last write. 15 minutes: longer than `api.syncTimeoutMs`, so a client attaching
   * late still reads from the first chunk; the record keeps the answer for longer.
   */
  answerStreamTtlSeconds: z.number().int().positive().default(900),
  /**
   * Entries kept per answer stream (approximate trim): one per streamed text piece; 10,000 covers
   * an 8k-token answer.
   */
  answerStreamMaxLength: z.number().int().min(100).default(10_000),
  /** How long request records, batches and finished jobs are kept. */
  retentionSeconds: z
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  /**
   * At most this many completed and this many failed jobs kept per queue, however young: about
   * 1.6 KB each, so 10,000 is about 16 MB per queue and state. Records are kept regardless.
   */
  finishedJobsKept: z.number().int().positive().default(10_000),
  /**
   * What start-up does when Redis's `maxmemory-policy` is not `noeviction`: an evicting Redis drops
   * queue keys and records under memory pressure, losing jobs silently. `refuse` stops the process
   * with the reason, `warn` logs it and goes on. A Redis that refuses `CONFIG GET` (managed
   * services) cannot be checked: that is a warning either way.
   */
  evictionPolicyCheck: z.enum(['refuse', 'warn']).default('refuse'),
});

export const shutdownSchema = z.strictObject({
  /**
   * How long a process may take to stop after SIGTERM/SIGINT: workers stop taking jobs, in-flight
   * hops finish or are handed back to the queue, the API drains its connections; whatever is
   * still open then is dropped (a hop dropped this way runs again after its lock expires). 25 s
   * leaves 5 s of the 30 s Kubernetes waits before it kills a pod (`terminationGracePeriodSeconds`
   * in the deploy files must stay above this).
   */
  deadlineMs: z.number().int().min(0).default(25_000),
});

/**
 * The exact-match response cache (off by default: a cached answer is the same text every time,
 * whatever the temperature).
 */
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
