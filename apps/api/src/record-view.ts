import { roundUsd, type Attempt, type JudgeOutcome, type RequestRecord, type TokenUsage } from '@switchyard/core';

/** Thinking tokens are part of `output_tokens` (and priced with them), shown apart; 0 when none were spent. */
function usageView(usage: TokenUsage) {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    thinking_tokens: usage.thinkingTokens ?? 0,
  };
}

/** The public JSON shape of a request (snake_case, like the OpenAI API). */
export function requestView(record: RequestRecord) {
  return {
    id: record.id,
    object: 'switchyard.request',
    status: record.status,
    created_at: record.createdAt,
    completed_at: record.completedAt ?? null,
    batch_id: record.batchId ?? null,
    custom_id: record.customId ?? null,
    request: record.request,
    routing:
      record.decision === undefined
        ? null
        : {
            strategy: record.decision.strategy,
            tier: record.decision.tier,
            route: record.decision.route,
            confidence: record.decision.confidence,
            scores: record.decision.scores,
            adjustments: record.decision.adjustments,
            chain: record.decision.chain,
            duration_us: record.decision.durationUs,
            experiment: record.decision.experiment ?? null,
          },
    attempts: record.attempts.map(attemptView),
    answer: record.final?.answer ?? null,
    cache_hit: record.cacheHit === true,
    final:
      record.final === undefined
        ? null
        : {
            tier: record.final.tier,
            provider: record.final.deployment.provider,
            model: record.final.deployment.model,
            hop: record.final.hop,
            quality_score: record.final.qualityScore,
            finish_reason: record.final.finishReason,
            simulated: record.final.simulated,
          },
    usage: usageView(record.usage),
    cost_usd: record.costUsd,
    baseline_cost_usd: record.baselineCostUsd,
    saving_usd: roundUsd(record.baselineCostUsd - record.costUsd),
    error: record.error ?? null,
  };
}

function attemptView(attempt: Attempt) {
  return {
    hop: attempt.hop,
    tier: attempt.tier,
    provider: attempt.deployment.provider,
    model: attempt.deployment.model,
    started_at: attempt.startedAt,
    latency_ms: attempt.latencyMs,
    usage: usageView(attempt.usage),
    cost_usd: attempt.costUsd,
    baseline_cost_usd: attempt.baselineCostUsd,
    finish_reason: attempt.finishReason,
    quality_score: attempt.qualityScore,
    quality_reasons: attempt.qualityReasons,
    escalation_reason: attempt.escalationReason ?? null,
    skipped_deployments: attempt.skipped,
    simulated: attempt.simulated,
    answer: attempt.answer,
    judge: attempt.judge === undefined ? null : judgeView(attempt.judge),
  };
}

/** The LLM judge's score of an attempt (`score: null`: unknown) and its cost, part of the record's `cost_usd`. */
function judgeView(judge: JudgeOutcome) {
  return {
    score: judge.score,
    provider: judge.deployment?.provider ?? null,
    model: judge.deployment?.model ?? null,
    usage: { input_tokens: judge.usage.inputTokens, output_tokens: judge.usage.outputTokens },
    cost_usd: judge.costUsd,
    latency_ms: judge.latencyMs,
    unknown_reason: judge.unknownReason ?? null,
  };
}

/** One line of `GET /v1/batches/:id/results`. */
export function resultLine(record: RequestRecord) {
  return {
    id: record.id,
    custom_id: record.customId ?? null,
    status: record.status,
    tier: record.final?.tier ?? null,
    route: record.decision?.route ?? null,
    routed_tier: record.decision?.tier ?? null,
    model: record.final === undefined ? null : `${record.final.deployment.provider}/${record.final.deployment.model}`,
    escalations: Math.max(0, record.attempts.length - 1),
    answer: record.final?.answer ?? null,
    simulated: record.final?.simulated ?? null,
    usage: usageView(record.usage),
    cost_usd: record.costUsd,
    baseline_cost_usd: record.baselineCostUsd,
    error: record.error ?? null,
  };
}
