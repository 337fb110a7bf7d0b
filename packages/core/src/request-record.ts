import type { ChatRequest } from './chat-request.ts';
import type { TokenUsage } from './pricing.ts';
import type { ErrorCode } from './error-codes.ts';

export type RequestStatus = 'queued' | 'routed' | 'running' | 'completed' | 'failed';
export const terminalStatuses: readonly RequestStatus[] = ['completed', 'failed'];

/** What one classification strategy said. */
export interface StrategyVerdict {
  strategy: string;
  tier: string;
  route: string;
  confidence: number;
  /** Per-tier (and, where the strategy has them, per-route) scores that led to the verdict. */
  scores: Record<string, number>;
  /** Set when the strategy could not decide (e.g. no keyword matched, ambiguous top-2). */
  unsure?: string;
  /** How long this strategy took on the prompt, in microseconds (set by the chain). */
  durationUs?: number;
}

/** The experiment a request is in and its arm (`experiments` in the config). */
export interface ExperimentArm {
  name: string;
  arm: 'variant' | 'control';
}

/** Where a request was sent and why. */
export interface RoutingDecision extends StrategyVerdict {
  /** Why the final tier differs from the strategy's, if it does. */
  adjustments: string[];
  /** Every strategy that ran, in order. */
  chain: StrategyVerdict[];
  /** How long classification took, in microseconds. */
  durationUs: number;
  /** Set when experiments are configured: which one the request is in, and which arm decided it. */
  experiment?: ExperimentArm;
}

export interface DeploymentRef {
  provider: string;
  model: string;
}

/** One tier run of a request: which deployment answered, at what cost, and how good it was. */
export interface Attempt {
  hop: number;
  tier: string;
  deployment: DeploymentRef;
  startedAt: string;
  latencyMs: number;
  usage: TokenUsage;
  costUsd: number;
  /** What the premium deployment would have charged for the same tokens. */
  baselineCostUsd: number;
  finishReason: string;
  answer: string;
  /** True when the answer came from the simulated provider, not a model. */
  simulated: boolean;
  qualityScore: number;
  qualityReasons: string[];
  /** Set when this answer was judged too weak and the request went to the next tier. */
  escalationReason?: string;
  /** Deployments of the tier that were tried and failed before this one answered. */
  skipped: { deployment: DeploymentRef; error: string }[];
  /** What the LLM judge said of the answer, when `quality.judge` is on; its cost is not in `costUsd`. */
  judge?: JudgeOutcome;
}

/** The LLM judge's score of one answer, and what asking it cost. */
export interface JudgeOutcome {
  /** 0..1; `null` when unknown (no clear score, an error, a timeout): the heuristics alone decided. */
  score: number | null;
  /** The deployment that answered; absent when none did. */
  deployment?: DeploymentRef;
  usage: TokenUsage;
  /** The judge call's tokens at the judge deployment's prices. */
  costUsd: number;
  latencyMs: number;
  /** Why the score is unknown. */
  unknownReason?: string;
}

/** What an attempt cost in all: its answer and, when one was asked, its judge. */
export const attemptCostUsd = (attempt: Pick<Attempt, 'costUsd' | 'judge'>): number =>
  attempt.costUsd + (attempt.judge?.costUsd ?? 0);

export interface FinalAnswer {
  answer: string;
  tier: string;
  deployment: DeploymentRef;
  hop: number;
  qualityScore: number;
  simulated: boolean;
  finishReason: string;
}

export interface RequestError {
  code: ErrorCode;
  message: string;
}

/** The key id of requests made in open mode (no `auth.keys` configured). */
export const openModeKeyId = 'local';

export interface RequestRecord {
  id: string;
  status: RequestStatus;
  request: ChatRequest;
  /** Id of the API key that submitted it (never the secret); `local` in open mode. */
  keyId: string;
  batchId?: string;
  customId?: string;
  idempotencyKey?: string;
  /** The executor writes the answer to the request's answer stream (`stream: true` chat completions). */
  answerStream?: boolean;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  decision?: RoutingDecision;
  attempts: Attempt[];
  final?: FinalAnswer;
  error?: RequestError;
  /** Set when the key was over its budget in `cap` mode: the highest tier the request may use. */
  budgetMaxTier?: string;
  /** True when the answer came from the response cache (no call was made). */
  cacheHit?: boolean;
  usage: TokenUsage;
  costUsd: number;
  baselineCostUsd: number;
}

/** The provider name a served-from-cache attempt carries, so the record, the ledger and the answer stream show it. */
export const cacheProvider = 'cache';
