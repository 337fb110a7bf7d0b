import { z } from 'zod';
import { deploymentSchema } from './deployment-schema.ts';

/** Feedback on answers (`POST /v1/requests/:id/feedback`) and the quality monitor built from it. */
export const feedbackSchema = z.strictObject({
  /** A score below this is "low": counted in the share below threshold, and a suspected misroute under the top tier. */
  lowScore: z.number().min(0).max(1).default(0.5),
  /** Longest comment accepted, in characters. */
  maxCommentChars: z.number().int().positive().max(10_000).default(1_000),
  /** Days feedback and quality totals are kept. */
  retentionDays: z.number().int().positive().default(400),
});

export type FeedbackConfig = z.infer<typeof feedbackSchema>;

/**
 * The LLM judge of the quality gate: a cheap model scores each answer the gate sees from 0 to 1,
 * shown only the prompt and the answer (each cut to an excerpt). The gate's score is the lower
 * of the heuristic score and the judge's, so an answer passes when both reach the tier's
 * threshold. A reply without a clear score, a provider error, a timeout or an open breaker is
 * unknown: the heuristics alone decide. Off by default: every judged answer is one more call.
 */
export const judgeSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** The judge calls this tier's deployments, in their fallback order and at their prices. */
  tier: z.string().optional(),
  /** Or a deployment of its own (its `provider` a key of `providers`), instead of `tier`. */
  deployment: deploymentSchema.optional(),
  /** The prompt the judge sees is cut to this many characters (head and tail): 4,000 is about 1,000 tokens. */
  maxPromptChars: z.number().int().positive().default(4_000),
  maxAnswerChars: z.number().int().positive().default(4_000),
  /** The reply needs a few tokens (`{"score": 0.8}`); the limit only stops a judge that explains at length. */
  maxOutputTokens: z.number().int().positive().default(200),
  /**
   * The judge's answer is awaited this long, then counted unknown: a cheap model answers a short
   * score in a second or two, and the request should not wait on a slow judge for long.
   */
  timeoutMs: z.number().int().positive().default(10_000),
});

export const qualitySchema = z.strictObject({
  judge: judgeSchema.default(judgeSchema.parse({})),
});

export type JudgeConfig = z.infer<typeof judgeSchema>;

interface JudgedConfig {
  tiers: { name: string; deployments: { provider: string }[] }[];
  providers: Record<string, { type: string }>;
  quality: { judge: JudgeConfig };
}

/** The judge's checks against the rest of the config, reported through `issue` (path, message). */
export function checkJudge(config: JudgedConfig, issue: (path: (string | number)[], message: string) => void): void {
  const { judge } = config.quality;
  const path = ['quality', 'judge'];
  if (judge.tier !== undefined && judge.deployment !== undefined) issue(path, 'give "tier" or "deployment", not both');
  if (judge.enabled && judge.tier === undefined && judge.deployment === undefined)
    issue(path, 'enabled needs "tier" (a tier whose deployments judge) or "deployment" (one of its own)');
  const tierNames = config.tiers.map((tier) => tier.name);
  const tier = config.tiers.find((candidate) => candidate.name === judge.tier);
  if (judge.tier !== undefined && tier === undefined)
    issue([...path, 'tier'], `unknown tier "${judge.tier}" (tiers: ${tierNames.join(', ')})`);
  const providerNames = Object.keys(config.providers);
  if (judge.deployment !== undefined && !providerNames.includes(judge.deployment.provider)) {
    issue(
      [...path, 'deployment', 'provider'],
      `unknown provider "${judge.deployment.provider}" (providers: ${providerNames.join(', ')})`,
    );
  }
  // A replay endpoint answers only the prompts it recorded, never a judge's question.
  const judging = tier?.deployments ?? (judge.deployment === undefined ? [] : [judge.deployment]);
  for (const deployment of judging) {
    if (config.providers[deployment.provider]?.type === 'replay')
      issue(path, `provider "${deployment.provider}" is a replay endpoint: it has no recorded judgements`);
  }
}
