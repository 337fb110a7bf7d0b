import { describe, expect, it } from 'vitest';
import { assessAnswer } from './quality-gate.ts';

const review = (answer: string, overrides: Partial<Parameters<typeof assessAnswer>[0]> = {}) =>
  assessAnswer({
    prompt: 'What is the capital of France?',
    answer,
    finishReason: 'stop',
    expectsJson: false,
    ...overrides,
  });

describe('assessAnswer', () => {
  it('passes a plain good answer', () => {
    expect(review('Paris is the capital of France.')).toEqual({ score: 1, reasons: [] });
  });

  it('fails empty and whitespace-only answers', () => {
    expect(review('')).toEqual({ score: 0, reasons: ['empty'] });
    expect(review(' \n\t ').reasons).toEqual(['empty']);
  });

  it('catches refusals at the start, also behind a label, but not later in the text', () => {
    expect(review("I'm sorry, but I can't help with that.").reasons).toContain('refusal');
    expect(review('[simulated] I cannot help with this request.').reasons).toContain('refusal');
    expect(review("Paris. I can't stress enough how lovely it is.").reasons).toEqual([]);
  });

  it('marks answers cut by the token limit as truncated', () => {
    expect(review('Paris is the', { finishReason: 'length' })).toEqual({ score: 0.4, reasons: ['truncated'] });
  });

  it('checks JSON only when JSON was asked for', () => {
    expect(review('{"city": "Paris"}', { expectsJson: true }).reasons).toEqual([]);
    expect(review('Paris', { expectsJson: true }).reasons).toEqual(['invalid-json']);
    expect(review('Paris', { expectsJson: false }).reasons).toEqual([]);
  });

  it('flags a one-liner to a long task, and keeps the worst score when several problems apply', () => {
    const prompt = 'Explain in detail '.repeat(20);
    expect(review('Sure.', { prompt }).reasons).toEqual(['too-short']);
    const both = review("I'm sorry, but I can't.", { prompt, finishReason: 'length' });
    expect(both.reasons).toEqual(['refusal', 'truncated', 'too-short']);
    expect(both.score).toBe(0.2);
  });
});
