import type { QualityVerdict } from './quality-gate.ts';

/**
 * The gate's verdict once a judge has scored the answer: the lower of the heuristic score and
 * the judge's, so the gate passes only when both reach the threshold (a judge cannot lift an
 * answer the heuristics found empty, refused or truncated). A judge below the threshold adds the
 * reason `judge-low`. Unknown (`undefined`: no usable reply) leaves the heuristic verdict as it
 * is: neither a pass nor a fail.
 */
export function withJudgeScore(
  verdict: QualityVerdict,
  judgeScore: number | undefined,
  threshold: number,
): QualityVerdict {
  if (judgeScore === undefined) return verdict;
  return {
    score: Math.min(verdict.score, judgeScore),
    reasons: judgeScore < threshold ? [...verdict.reasons, 'judge-low'] : verdict.reasons,
  };
}
