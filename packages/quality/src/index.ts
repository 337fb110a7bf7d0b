export { assessAnswer, type AnswerUnderReview, type QualityVerdict } from './quality-gate.ts';
export { parseJudgeScore } from './judge-score.ts';
export { excerpt, judgeInstructions, judgeMessages, type JudgeInput } from './judge-prompt.ts';
export { withJudgeScore } from './judged-verdict.ts';
