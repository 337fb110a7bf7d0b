import { describe, expect, it } from 'vitest';
import { normalizePrompt } from './normalize-prompt.ts';

describe('normalizePrompt', () => {
  it('collapses whitespace runs of any kind into one space and trims the ends', () => {
    expect(normalizePrompt('  Hi \t there\r\n\n  friend \n')).toBe('Hi there friend');
  });

  it('keeps case and punctuation: only whitespace is not part of what a prompt asks', () => {
    expect(normalizePrompt('Is X > Y?')).not.toBe(normalizePrompt('is x > y'));
  });
});
