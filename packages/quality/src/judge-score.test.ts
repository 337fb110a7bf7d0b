import { describe, expect, it } from 'vitest';
import { parseJudgeScore } from './judge-score.ts';

describe('parseJudgeScore', () => {
  it.each([
    ['0.8', 0.8],
    ['  0.8.\n', 0.8],
    ['.75', 0.75],
    ['1', 1],
    ['0', 0],
    ['Score: 0.8', 0.8],
    ['score=0.35', 0.35],
    ['SCORE 0.6', 0.6],
    ['The score is 0.9', 0.9],
    ['**Score:** 0.7', 0.7],
    ['Score (0-1): 0.65', 0.65],
    ['Rating: 4 out of 5', 0.8],
    ['Grade: 80%', 0.8],
    ['Score: 8/10', 0.8],
    ['{"score":0.8}', 0.8],
    ['{"score": "0.4", "reason": "misses the second part"}', 0.4],
    ['{"Score": 1}', 1],
    ['```json\n{"score": 0.25}\n```', 0.25],
    ['Here is my verdict: {"score": 0.55}', 0.55],
    // Cut off by the output limit, the label still says it.
    ['{"score": 0.45, "reason": "the answer', 0.45],
    ['8/10', 0.8],
    ['8 / 10', 0.8],
    ['3 out of 4', 0.75],
    ['80%', 0.8],
    ['100%', 1],
    ["I'd give this answer 7/10: correct but thin.", 0.7],
    ['Accurate and complete. 90%', 0.9],
    ['Score: 0.8 (that is 8/10): a clear answer that covers 2/3 of the points', 0.8],
    ['Score: 0.5\nReason: covers half of it. Final score: 0.5', 0.5],
    ['<think>maybe score: 0.2? no, it is better</think>Score: 0.9', 0.9],
  ])('reads %j as %d', (reply, expected) => {
    expect(parseJudgeScore(reply)).toBeCloseTo(expected, 9);
  });

  it.each([
    [''],
    ['   '],
    ['The answer is good.'],
    ['I cannot judge this answer.'],
    // A number without a scale outside 0..1: out of 5 or of 10?
    ['7'],
    ['Score: 7'],
    ['{"score": 8}'],
    // Outside its scale.
    ['1.5'],
    ['Score: 1.2'],
    ['12/10'],
    ['120%'],
    ['8/0'],
    ['-0.5'],
    ['Score: -0.2'],
    // A decimal comma is not read as the integer before it.
    ['Score: 0,8'],
    ['0,8'],
    // Two different scores: ambiguous.
    ['Score: 0.3. On reflection, score: 0.9'],
    ['3/4 of the points, so 80%'],
    // JSON without a score, or not an object.
    ['{"verdict": "good"}'],
    ['{"score": null}'],
    ['{"score": true}'],
    ['[0.8]'],
    ['NaN'],
    ['Infinity'],
    ['0x1'],
    ['1e-1'],
    ['Released on 2024/10/05'],
    ['Score: high'],
  ])('reads %j as unknown', (reply) => {
    expect(parseJudgeScore(reply)).toBeUndefined();
  });
});
