import {
  costUsd,
  jobCatalog,
  qualityThresholdOf,
  resolveThinking,
  roundUsd,
  type Attempt,
  type AttemptSummary,
  type ChatRequest,
  type RequestRecord,
  type RoutingDecision,
  type SwitchyardConfig,
  type TierJob,
  type TierLadder,
} from '@switchyard/core';
import type { Logger, SwitchyardMetrics } from '@switchyard/observability';
import type { BreakerBoard, ProviderRegistry } from '@switchyard/providers';
import {
  parseJobData,
  type FeedbackStore,
  runHop,
  type AnswerStreamWriter,
  type QueueSet,
  type RequestStore,
  type ResponseCache,
} from '@switchyard/queue';
import { DelayedError, type Job } from 'bullmq';
import type { AnswerJudge } from './answer-judge.ts';
import { attemptFromCache, cacheDigestOf, fillCache, isCacheHit } from './cached-answer.ts';
import { callTier, deploymentRef } from './call-tier.ts';
import { capsOf, escalate, mayEscalate } from './escalation-rule.ts';
import { assertJobMatchesRecord } from './job-trust.ts';
import { instrumentDeployments } from './instrumented-deployments.ts';
import { endAnswerStream, LiveAnswer } from './live-answer.ts';
import { countJudgeScore, reviewAnswer } from './quality-review.ts';
import { TierUnavailableError } from './tier-unavailable-error.ts';
import {
  escalatePassedOver,
  forgetWait,
  isPassedOver,
  readWaitState,
  waitsBefore,
  whenTierUnavailable,
  type WaitState,
} from './unavailable-tier.ts';

export interface TierProcessorDeps {
  config: SwitchyardConfig;
  ladder: TierLadder;
  store: RequestStore;
  cache: ResponseCache;
  queues: QueueSet;
  providers: ProviderRegistry;
  /** The breakers of this process's provider endpoints. */
  breakers: BreakerBoard;
  logger: Logger;
  /** Requests, escalations, cost and provider calls are counted here when given. */
  metrics?: SwitchyardMetrics | undefined;
  /** Opens the answer stream of a request that asked for one (streaming chat completions). */
  answerStream?: (requestId: string) => AnswerStreamWriter;
  /** The quality gate's LLM judge, when `quality.judge` is on. */
  judge?: AnswerJudge | undefined;
  /** The quality monitor the judge's scores are added to. */
  feedback?: FeedbackStore | undefined;
}

export type TierOutcome = { outcome: 'escalated'; nextTier: string } | { outcome: 'completed' | 'skipped' };

/**
 * Answers one hop of a request on `tierName`, then escalates or completes it.
 *
 * The processor takes BullMQ's abort signal as its third parameter: BullMQ passes one only to a
 * processor declared with three (`processor.length >= 3`), and fires it on `worker.cancelJob` /
 * `cancelAllJobs`, never by itself (not on `close()`, not on a lost lock). A worker that cancels
 * its jobs before closing has the in-flight provider calls aborted, and the hops handed back.
 */
export function createTierProcessor(tierName: string, deps: TierProcessorDeps) {
  const { config, ladder, store, cache, providers, breakers, logger, metrics } = deps;
  const deployments = instrumentDeployments(providers.forTier(tierName), metrics);
  const premium = ladder.top.deployments[0];
  const tier = ladder.get(tierName);
  // The gate of a request: its experiment variant's threshold, else the tier's, else the cascade's.
  const thresholdOf = (record: RequestRecord) => qualityThresholdOf(config, tier, record.decision?.experiment);

  return async (job: Job, token?: string, signal?: AbortSignal): Promise<TierOutcome> =>
    runHop(job, store, async () => {
      const payload = parseJobData(jobCatalog.tier.schema, job);
      // One read for everything this hop needs: status, request, decision and earlier attempts.
      const record = await store.getForWork(payload.requestId);
      if (record.status === 'completed' || record.status === 'failed') return { outcome: 'skipped' };
      assertJobMatchesRecord(job, payload, record, tierName, ladder, config);
      const { request, decision } = record;
      // Finished since the read (a batch cancelled its waiting requests): nothing to answer.
      if (!(await store.markRunning(payload.requestId))) return { outcome: 'skipped' };

      // A redelivered hop (worker died after answering) reuses the stored answer instead of
      // paying for a second call, or re-enqueues the escalation of a tier it passed over.
      const existing = record.attempts.find((attempt) => attempt.hop === payload.hop);
      const above = ladder.next(tierName);
      if (existing !== undefined && isPassedOver(existing) && above !== undefined)
        return escalatePassedOver(deps, payload, existing, above);
      // The first hop of a request the cache may serve asks the cache before any provider.
      const digest = payload.hop === 0 ? cacheDigestOf(config, request, decision) : undefined;
      const writer = record.answerStream === true ? deps.answerStream?.(payload.requestId) : undefined;
      // Text goes out live only from a hop whose answer is served whatever the gate says: it
      // cannot escalate, and no earlier answer competes with it. Any other hop is gated first and
      // its served answer written whole, so a client never sees one answer replaced by another.
      const servedAsIs =
        nextTier(payload, record, 0) === undefined &&
        record.attempts.every((earlier) => earlier.hop === payload.hop || isPassedOver(earlier));
      const live =
        writer !== undefined && servedAsIs && existing === undefined
          ? new LiveAnswer(writer, tierName, payload.hop)
          : undefined;
      let attempt = existing;
      if (attempt === undefined && digest !== undefined)
        attempt = await attemptFromCache(cache, digest, payload.hop, tierName, premium);
      if (attempt === undefined) {
        const waited = readWaitState(job);
        try {
          attempt = await answer(payload, request, decision, waited, signal, live);
        } catch (error) {
          if (signal?.aborted === true) return handBack(job, token, payload);
          if (error instanceof TierUnavailableError)
            return whenTierUnavailable(tierName, deps, job, token, payload, record, error);
          await forgetWait(job, waited);
          throw error;
        }
        await forgetWait(job, waited);
        metrics?.attemptCosted(tierName, `${attempt.deployment.provider}/${attempt.deployment.model}`, attempt.costUsd);
        const judged = attempt.judge;
        if (judged?.deployment !== undefined)
          metrics?.attemptCosted(tierName, `${judged.deployment.provider}/${judged.deployment.model}`, judged.costUsd);
      }
      const made = attempt !== existing && !isCacheHit(attempt);
      const recordAttempt = async (stored: Attempt) => {
        const written = await store.recordAttempt({ ...stored, requestId: payload.requestId });
        if (written && made) await countJudgeScore(deps.feedback, record, stored, logger);
      };

      const escalateTo = isCacheHit(attempt) ? undefined : nextTier(payload, record, attempt.qualityScore);
      if (escalateTo !== undefined) {
        const reasons = attempt.qualityReasons.join(', ');
        attempt.escalationReason = `quality ${attempt.qualityScore} below ${thresholdOf(record)}: ${reasons}`;
        await recordAttempt(attempt);
        metrics?.requestEscalated(tierName, escalateTo);
        return escalate(deps, payload, summarize(attempt), escalateTo);
      }

      await recordAttempt(attempt);
      const answered = attempt;
      const attempts = [...record.attempts.filter((earlier) => earlier.hop !== answered.hop), answered];
      const best = bestAttempt(attempts);
      if (writer !== undefined) {
        // Written before the record completes: a client woken by the completion finds it there.
        endAnswerStream(writer, best, attempts, live);
        const failure = await writer.flush();
        if (failure !== undefined)
          logger.warn({ requestId: payload.requestId, error: failure.message }, 'answer-stream-write-failed');
      }
      const finished = await store.complete(
        payload.requestId,
        {
          answer: best.answer,
          tier: best.tier,
          deployment: best.deployment,
          hop: best.hop,
          qualityScore: best.qualityScore,
          simulated: best.simulated,
          finishReason: best.finishReason,
        },
        { cacheHit: isCacheHit(best) },
      );
      if (finished && digest !== undefined) await fillCache(cache, digest, best, ladder, config);
      if (finished) {
        logger.info({ requestId: payload.requestId, tier: best.tier, hops: attempts.length }, 'request-completed');
        metrics?.requestAnswered(best.tier, decision?.route ?? 'unrouted', best.baselineCostUsd);
      }
      return { outcome: 'completed' };
    });

  /**
   * The worker is closing and aborted the provider call: the hop goes back to the queue at once,
   * for another worker, without spending an attempt (the call was not the provider's failure).
   */
  async function handBack(job: Job, token: string | undefined, payload: TierJob): Promise<never> {
    await job.moveToDelayed(Date.now(), token);
    logger.info({ requestId: payload.requestId, tier: tierName, hop: payload.hop }, 'hop-handed-back');
    throw new DelayedError();
  }

  async function answer(
    payload: TierJob,
    request: ChatRequest,
    decision: RoutingDecision | undefined,
    waited: WaitState | undefined,
    signal: AbortSignal | undefined,
    live: LiveAnswer | undefined,
  ): Promise<Attempt> {
    const route = config.routes.find((candidate) => candidate.name === decision?.route);
    const ownSystem = request.messages.filter((message) => message.role === 'system').map((message) => message.content);
    const system = ownSystem.length > 0 ? ownSystem.join('\n\n') : route?.systemPrompt;
    const temperature = request.temperature ?? route?.temperature;
    const thinking = resolveThinking(ladder.get(tierName), route);
    const startedAt = new Date().toISOString();
    const call = await callTier(
      tierName,
      deployments,
      {
        messages: request.messages.filter((message) => message.role !== 'system'),
        ...(system === undefined ? {} : { system }),
        ...(temperature === undefined ? {} : { temperature }),
        ...(request.max_tokens === undefined ? {} : { maxOutputTokens: request.max_tokens }),
        json: request.response_format?.type === 'json_object',
        ...(request.stop === undefined ? {} : { stop: request.stop }),
        ...(thinking === undefined ? {} : { thinking }),
      },
      breakers,
      signal,
      live,
    );
    const threshold = qualityThresholdOf(config, tier, decision?.experiment);
    const { verdict, judge } = await reviewAnswer(request, call.result, threshold, deps.judge, signal);
    return {
      hop: payload.hop,
      tier: tierName,
      deployment: deploymentRef(call.deployment),
      startedAt,
      latencyMs: call.latencyMs,
      usage: call.result.usage,
      costUsd: roundUsd(costUsd(call.deployment.deployment, call.result.usage)),
      baselineCostUsd: premium === undefined ? 0 : roundUsd(costUsd(premium, call.result.usage)),
      finishReason: call.result.finishReason,
      answer: call.result.text,
      simulated: call.result.simulated,
      qualityScore: verdict.score,
      qualityReasons: verdict.reasons,
      skipped: [...waitsBefore(waited), ...call.skipped],
      ...(judge === undefined ? {} : { judge }),
    };
  }

  /** The tier to escalate to, or undefined when this answer is final. */
  function nextTier(payload: TierJob, record: RequestRecord, score: number): string | undefined {
    if (!config.cascade.enabled || score >= thresholdOf(record)) return undefined;
    const verdict = mayEscalate(ladder, config.cascade, { tier: tierName, hop: payload.hop }, capsOf(record));
    return verdict.allowed ? verdict.tier : undefined;
  }
}

/** The answer to serve: the best quality score, the later (stronger) attempt on a tie. */
export function bestAttempt(attempts: readonly Attempt[]): Attempt {
  const [first, ...rest] = attempts;
  if (first === undefined) throw new Error('no attempts to choose from');
  return rest.reduce((best, attempt) => (attempt.qualityScore >= best.qualityScore ? attempt : best), first);
}

function summarize(attempt: Attempt): AttemptSummary {
  const summary: AttemptSummary = {
    hop: attempt.hop,
    tier: attempt.tier,
    deployment: `${attempt.deployment.provider}/${attempt.deployment.model}`,
    qualityScore: attempt.qualityScore,
    costUsd: attempt.costUsd,
    answerSummary: attempt.answer.slice(0, 200),
  };
  if (attempt.escalationReason !== undefined) summary.reason = attempt.escalationReason;
  return summary;
}
