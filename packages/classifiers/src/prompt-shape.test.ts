import { describe, expect, it } from 'vitest';
import { boundedText } from './bounded-text.ts';
import { measurePrompt } from './prompt-shape.ts';

const measure = (prompt: string) => measurePrompt(prompt, prompt);

describe('measurePrompt', () => {
  it('counts words, and Han or kana characters as half a word each', () => {
    expect(measure('  three   short words ').words).toBe(3);
    expect(measure('日本の首都').words).toBe(2.5);
    expect(measure('').words).toBe(0);
  });

  it('counts question marks, list items and quantities', () => {
    const shape = measure('Why? How？\n1. costs $8,000\n2) 6.5% rate\n- 12 units\n* done');
    // List numbers are digit runs too: 1, 8,000, 2, 6.5, 12.
    expect(shape).toMatchObject({ questions: 2, listItems: 4, numbers: 5 });
  });

  it('sees fenced blocks and unfenced source code, but not prose', () => {
    expect(measure('Fix this:\n```\nx = 1\n```').hasCode).toBe(true);
    expect(measure('for (let i = 0; i < n; i++) {\n  total += i;\n}').hasCode).toBe(true);
    expect(measure('One sentence. Another one; and a third.').hasCode).toBe(false);
  });
});

describe('boundedText', () => {
  it('keeps short prompts whole and the head and tail of huge ones', () => {
    expect(boundedText('short')).toBe('short');
    const huge = `START ${'x'.repeat(100_000)} END`;
    const bounded = boundedText(huge);
    expect(bounded.length).toBeLessThan(25_000);
    expect(bounded.startsWith('START')).toBe(true);
    expect(bounded.endsWith('END')).toBe(true);
  });
});
