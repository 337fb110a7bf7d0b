export { assessAnswer, type AnswerUnderReview, type QualityVerdict } from './quality-gate.ts';
