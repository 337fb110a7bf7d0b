import { describe, expect, it } from 'vitest';
import { parseAnswer } from './llm-answer.ts';

const vocabulary = {
  tierNames: ['simple', 'medium', 'complex'],
  routeNames: ['code', 'legal', 'general'],
  defaultConfidence: 0.5,
};
const read = (text: string) => parseAnswer(text, vocabulary);

describe('parseAnswer', () => {
  it('reads the object asked for', () => {
    expect(read('{"tier": "complex", "route": "legal", "confidence": 0.8}')).toEqual({
      answer: { tier: 'complex', route: 'legal', confidence: 0.8, confidenceDefaulted: false, reason: undefined },
    });
  });

  it('finds the object in a code fence, in prose, and after an example object without a tier', () => {
    const fenced = 'Sure!\n```json\n{"tier": "simple", "route": "general", "confidence": 0.9}\n```\nHope that helps.';
    const prose = 'The request is short {"tier":"medium","confidence":0.7} so medium fits (see {braces}).';
    const afterExample = 'Format: {"a": {"b": 1}}. Answer: {"tier": "complex", "confidence": 1, "reason": "a {proof}"}';
    expect(read(fenced)).toMatchObject({ answer: { tier: 'simple', route: 'general', confidence: 0.9 } });
    expect(read(prose)).toMatchObject({ answer: { tier: 'medium', route: undefined, confidence: 0.7 } });
    expect(read(afterExample)).toMatchObject({ answer: { tier: 'complex', confidence: 1, reason: 'a {proof}' } });
  });

  it('matches tier and route names trimmed and in any case, and reads a confidence given as a string', () => {
    expect(read('{"tier": " Complex ", "route": "CODE", "confidence": "0.65"}')).toMatchObject({
      answer: { tier: 'complex', route: 'code', confidence: 0.65 },
    });
  });

  it('uses the default confidence when none is given, and says so', () => {
    expect(read('{"tier": "medium"}')).toMatchObject({ answer: { confidence: 0.5, confidenceDefaulted: true } });
    expect(read('{"tier": "medium", "confidence": null}')).toMatchObject({ answer: { confidenceDefaulted: true } });
  });

  it('drops an unknown route but keeps the tier', () => {
    expect(read('{"tier": "simple", "route": "poetry", "confidence": 0.9}')).toMatchObject({
      answer: { tier: 'simple', route: undefined },
    });
  });

  it('names the problem of an unusable answer and never throws on junk', () => {
    expect(read('I think it is hard.')).toEqual({
      problem: 'no JSON object with a "tier" in the answer: "I think it is hard."',
    });
    expect(read('{"tier": "gold", "confidence": 0.5}')).toEqual({
      problem: 'answer tier: "gold" is not one of simple, medium, complex',
    });
    expect(read('{"tier": 3}')).toEqual({ problem: 'answer tier: 3 is not one of simple, medium, complex' });
    expect(read('{"tier": "simple", "confidence": 7}')).toEqual({
      problem: 'answer confidence: 7 is not a number from 0 to 1',
    });
    expect(read('{"tier": "simple", "confidence": "very"}')).toMatchObject({ problem: /^answer confidence: "very"/ });
    for (const junk of ['', '{', '}{', '{"tier": "simple"', '{"tier": }', '\u0000{{{{']) {
      expect(read(junk), junk).toHaveProperty('problem');
    }
  });

  it('gives up on a huge answer quickly instead of scanning it', () => {
    const started = performance.now();
    expect(read('{'.repeat(1_000_000))).toHaveProperty('problem');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
