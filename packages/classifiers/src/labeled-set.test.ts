import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundledLabeledSetPath, checkLabeledTiers, parseLabeledSet, readLabeledSet } from './labeled-set.ts';

const holdoutPath = fileURLToPath(new URL('../data/holdout-prompts.jsonl', import.meta.url));
const stylesPath = fileURLToPath(new URL('../data/styles-prompts.jsonl', import.meta.url));
const blindPath = fileURLToPath(new URL('../data/blind-prompts.jsonl', import.meta.url));

describe('labeled sets', () => {
  it('reads the bundled set: at least 300 prompts across six categories, each with a tier', () => {
    const examples = readLabeledSet(bundledLabeledSetPath);
    expect(examples.length).toBeGreaterThanOrEqual(300);
    expect(new Set(examples.map((example) => example.category))).toEqual(
      new Set(['code', 'legal', 'creative', 'factual', 'reasoning', 'chitchat']),
    );
    expect(() => checkLabeledTiers(examples, ['simple', 'medium', 'complex'], 'bundled')).not.toThrow();
  });

  it('keeps prompt, tier, category and the line, ignores other fields and blank lines', () => {
    const text =
      '{"prompt": "hi", "tier": "simple", "id": 7}\n\n' +
      '{"prompt": "prove it", "tier": "complex", "category": "reasoning"}\n';
    expect(parseLabeledSet(text, 'set.jsonl')).toEqual([
      { prompt: 'hi', tier: 'simple', line: 1 },
      { prompt: 'prove it', tier: 'complex', category: 'reasoning', line: 3 },
    ]);
  });

  it('keeps the files apart: no prompt is in two of them, case and punctuation aside', () => {
    const normalised = (prompt: string) =>
      prompt
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
    const files = [bundledLabeledSetPath, holdoutPath, stylesPath, blindPath];
    const seen = new Map<string, string>();
    const repeats: string[] = [];
    for (const file of files) {
      for (const example of readLabeledSet(file)) {
        const key = normalised(example.prompt);
        const first = seen.get(key);
        if (first !== undefined) repeats.push(`${example.prompt} (${first} and ${file})`);
        seen.set(key, file);
      }
    }
    expect(repeats).toEqual([]);
  });

  it('names the file and line of a bad line, and the example with an unknown tier', () => {
    expect(() => parseLabeledSet('{"prompt": "a", "tier": "simple"}\n{"prompt": 1, "tier": "x"}', 'set.jsonl')).toThrow(
      /^set\.jsonl:2: prompt: /,
    );
    expect(() => parseLabeledSet('{"prompt": "a"', 'set.jsonl')).toThrow(/^set\.jsonl:1: not valid JSON/);
    expect(() => parseLabeledSet('\n', 'set.jsonl')).toThrow(/no labeled prompts/);
    expect(() => readLabeledSet('/nonexistent.jsonl')).toThrow(/cannot read labeled set \/nonexistent\.jsonl/);
    const read = parseLabeledSet('{"prompt": "a", "tier": "simple"}\n\n{"prompt": "b", "tier": "gold"}\n', 'set.jsonl');
    expect(() => checkLabeledTiers(read, ['simple'], 'set.jsonl')).toThrow(
      /^set\.jsonl:3: tier "gold" is not configured \(tiers: simple\)$/,
    );
    expect(() => checkLabeledTiers([{ prompt: 'a', tier: 'gold' }], ['simple'], 'examples')).toThrow(
      /^examples: example 1: tier "gold"/,
    );
  });
});
