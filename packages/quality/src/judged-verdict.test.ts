import { describe, expect, it } from 'vitest';
import { withJudgeScore } from './judged-verdict.ts';

describe('withJudgeScore', () => {
  const clean = { score: 1, reasons: [] };

  it('passes only when heuristics and judge both reach the threshold', () => {
    expect(withJudgeScore(clean, 0.9, 0.7)).toEqual({ score: 0.9, reasons: [] });
    expect(withJudgeScore(clean, 0.7, 0.7)).toEqual({ score: 0.7, reasons: [] });
    expect(withJudgeScore(clean, 0.3, 0.7)).toEqual({ score: 0.3, reasons: ['judge-low'] });
  });

  it('never lifts an answer the heuristics failed', () => {
    const refusal = { score: 0.2, reasons: ['refusal'] };
    expect(withJudgeScore(refusal, 1, 0.7)).toEqual({ score: 0.2, reasons: ['refusal'] });
    expect(withJudgeScore(refusal, 0.1, 0.7)).toEqual({ score: 0.1, reasons: ['refusal', 'judge-low'] });
  });

  it('leaves the heuristic verdict alone when the judge is unknown', () => {
    expect(withJudgeScore(clean, undefined, 0.7)).toBe(clean);
  });
});
