import { loadConfig, type StrategyVerdict } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { createRulesStrategy } from './rules-strategy.ts';
import { configWithTiers } from '@switchyard/testkit';

const config = loadConfig();
const strategy = createRulesStrategy(config);
const classify = (prompt: string) => strategy.classify(prompt) as StrategyVerdict;
const tierOf = (prompt: string) => classify(prompt).tier;

describe('createRulesStrategy', () => {
  it('sends greetings, look-ups, conversions and bare arithmetic to the first tier', () => {
    for (const prompt of [
      'hi',
      'Hello there!',
      'What is the capital of Peru?',
      'Translate "good night" into Spanish.',
      'Convert 5 miles to kilometers.',
      'What is 7 times 8?',
      'Define entropy.',
      'Give me a synonym for "fast".',
    ]) {
      expect(tierOf(prompt), prompt).toBe('simple');
    }
  });

  it('knows small talk by its words, not its length, and lets a task after it win', () => {
    for (const prompt of [
      'Have a lovely evening!',
      'Do you ever get bored?',
      'Hahaha',
      'Sorry, never mind.',
      "¿Qué significa 'ojalá'?",
    ]) {
      expect(classify(prompt), prompt).toMatchObject({ tier: 'simple' });
      expect(classify(prompt).unsure, prompt).toBeUndefined();
    }
    expect(tierOf('Sorry, I meant: prove that the square root of 2 is irrational.')).toBe('complex');
  });

  it('lets a harder task outweigh a greeting or a look-up word next to it', () => {
    expect(tierOf('Hi! Prove that there are infinitely many primes.')).toBe('complex');
    expect(tierOf('Hello! Translate this contract clause and assess its liability risks for us.')).not.toBe('simple');
    expect(tierOf('Hi!')).toBe('simple');
  });

  it('sends proofs, system design, security reviews and trade-off analyses to the last tier', () => {
    for (const prompt of [
      'Prove that the square root of 2 is irrational.',
      'Design a distributed architecture for a payments platform that survives a region outage.',
      'Do a security review of our OAuth login flow and threat-model the token refresh.',
      'Analyze the trade-offs between event sourcing and a relational schema for auditing.',
      'Démontrez que la suite converge.',
    ]) {
      expect(tierOf(prompt), prompt).toBe('complex');
    }
  });

  it('keeps ordinary work products in the middle tier', () => {
    expect(tierOf('Write a haiku about autumn rain.')).toBe('medium');
    expect(tierOf('Explain how vaccines train the immune system.')).toBe('medium');
    expect(tierOf('Summarize the causes of the First World War.')).toBe('medium');
  });

  it('sends word problems and requests for advice to the middle tier', () => {
    expect(tierOf('A bike costs $300 and is discounted by 15% this week. How much do I pay?')).toBe('medium');
    expect(tierOf('What should I bring to a job interview at a bank?')).toBe('medium');
    expect(tierOf('How do I get better at public speaking?')).toBe('medium');
    // Two quantities in a short question are a look-up, not a word problem.
    expect(tierOf('What is 15% of 80?')).toBe('simple');
  });

  it('sends large works that must hold together to the last tier', () => {
    expect(tierOf('Plan a six-book saga with two rival families and the secrets each one keeps.')).toBe('complex');
    expect(tierOf('Outline a branching adventure game script where the choices change the ending.')).toBe('complex');
  });

  it('leans very long and multi-part prompts toward the last tier', () => {
    const longPrompt = 'Here is the situation in our team and what we have tried so far. '.repeat(40);
    expect(tierOf(longPrompt)).toBe('complex');
    const multiPart = 'Help with these:\n1. the budget\n2. the hiring plan\n3. the office move\n4. the timeline';
    expect(classify(multiPart).scores.complex).toBeGreaterThan(classify('Help with the budget.').scores.complex ?? 0);
  });

  it('always names the fallback route and reports scores per tier', () => {
    const verdict = classify('Write a Python function that parses JSON.');
    expect(verdict.route).toBe('general');
    expect(Object.keys(verdict.scores)).toEqual(['simple', 'medium', 'complex']);
  });

  it('is unsure when nothing matches and the length says nothing', () => {
    const verdict = classify('The quarterly numbers came in and the team would like your view on them tomorrow.');
    expect(verdict.unsure).toBe('no rule matched');
  });

  it('is unsure when only the prompt shape speaks: a short prompt is not an easy one', () => {
    for (const prompt of [
      'Is P equal to NP?',
      'Докажи, что простых чисел бесконечно много.',
      'सिद्ध कीजिए कि अभाज्य संख्याएँ अनंत हैं।',
      '소수가 무한히 많다는 것을 증명하시오.',
    ]) {
      const verdict = classify(prompt);
      expect(verdict.unsure, prompt).toBe('no rule matched, only the prompt shape');
      // The lean stays in the scores (the RouteLLM evaluation reads them); it just decides nothing.
      expect(verdict.scores.simple, prompt).toBeGreaterThan(verdict.scores.complex ?? 1);
    }
  });

  it('keeps equations with variables off the first tier', () => {
    for (const prompt of [
      'Find all integer solutions of x^2 - 2y^2 = 1.',
      'Solve 3x + 5 = 20 for x.',
      'Simplify (a + b)^2 - (a - b)^2.',
    ]) {
      expect(classify(prompt), prompt).toMatchObject({ tier: 'medium' });
      expect(classify(prompt).unsure, prompt).toBeUndefined();
    }
    // Bare arithmetic stays a look-up.
    expect(tierOf('What is 2^10?')).toBe('simple');
  });

  it('finds a task chained after a comma ("..., then work out ...")', () => {
    const chained = classify('Estimate the daily admissions for each ward, then work out the beds each one needs.');
    const unchained = classify('Estimate the daily admissions for each ward, and work out the beds each one needs.');
    expect(chained.scores.complex).toBeGreaterThan(unchained.scores.complex ?? 1);
  });

  it('maps simple, medium and complex onto the configured tiers', () => {
    const custom = createRulesStrategy(configWithTiers(['cheap', 'mid', 'premium', 'ultra']));
    expect((custom.classify('hello') as StrategyVerdict).tier).toBe('cheap');
    expect((custom.classify('Explain how tides work.') as StrategyVerdict).tier).toBe('mid');
    expect((custom.classify('Prove that there are infinitely many primes.') as StrategyVerdict).tier).toBe('ultra');
  });

  it('classifies empty, emoji, Chinese, Arabic and mixed-language prompts without throwing', () => {
    for (const prompt of [
      '',
      '   ',
      '🎉🔥👍',
      '你好，今天天气怎么样？',
      'مرحبا، كيف حالك؟',
      'Hola! 请解释 quantum ε',
      '\ud800',
    ]) {
      const verdict = classify(prompt);
      expect(config.tiers.map((tier) => tier.name)).toContain(verdict.tier);
      expect(verdict.confidence).toBeGreaterThanOrEqual(0);
      expect(verdict.confidence).toBeLessThanOrEqual(1);
    }
  });
});
