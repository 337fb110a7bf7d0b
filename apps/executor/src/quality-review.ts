import { promptOf, type Attempt, type ChatRequest, type JudgeOutcome, type RequestRecord } from '@switchyard/core';
import type { Logger } from '@switchyard/observability';
import { assessAnswer, withJudgeScore, type QualityVerdict } from '@switchyard/quality';
import type { FeedbackStore } from '@switchyard/queue';
import type { AnswerJudge } from './answer-judge.ts';

export interface ReviewedAnswer {
  verdict: QualityVerdict;
  /** Set when the judge was asked. */
  judge?: JudgeOutcome;
}

/**
 * The quality gate on one answer: the heuristics, then the LLM judge when one is configured and
 * the heuristics passed (an answer they fail escalates whatever a judge says, so asking would
 * only cost). The judge's score lowers the gate's score when it is lower; unknown leaves it.
 */
export async function reviewAnswer(
  request: ChatRequest,
  answer: { text: string; finishReason: string },
  threshold: number,
  judge: AnswerJudge | undefined,
  signal: AbortSignal | undefined,
): Promise<ReviewedAnswer> {
  const prompt = promptOf(request);
  const heuristic = assessAnswer({
    prompt,
    answer: answer.text,
    finishReason: answer.finishReason,
    expectsJson: request.response_format?.type === 'json_object',
  });
  if (judge === undefined || heuristic.score < threshold) return { verdict: heuristic };
  const outcome = await judge.judge(prompt, answer.text, signal);
  return { verdict: withJudgeScore(heuristic, outcome.score ?? undefined, threshold), judge: outcome };
}

/**
 * Adds a known judge score to the quality monitor, on the attempt's tier and the request's
 * route. Once per attempt, after it is stored: a hop redelivered after that reuses the stored
 * attempt and is not counted again. The monitor is not worth failing a request over: a failed
 * write is logged.
 */
export async function countJudgeScore(
  feedback: FeedbackStore | undefined,
  record: RequestRecord,
  attempt: Attempt,
  logger: Logger,
): Promise<void> {
  const score = attempt.judge?.score;
  if (feedback === undefined || score === undefined || score === null) return;
  const target = {
    requestId: record.id,
    keyId: record.keyId,
    createdAt: record.createdAt,
    tier: attempt.tier,
    route: record.decision?.route ?? 'none',
    // An experiment's arm gets the score too: the judge compares variant and control.
    experiment: record.decision?.experiment,
  };
  try {
    await feedback.addJudgeScore(target, score);
  } catch (error) {
    logger.warn({ requestId: record.id, err: error }, 'judge-score-not-counted');
  }
}
