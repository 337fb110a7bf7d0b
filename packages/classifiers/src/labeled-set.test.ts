import { describe, expect, it } from 'vitest';
import { bundledLabeledSetPath, checkLabeledTiers, parseLabeledSet, readLabeledSet } from './labeled-set.ts';

describe('labeled sets', () => {
  it('reads the bundled set: at least 300 prompts across six categories, each with a tier', () => {
    const examples = readLabeledSet(bundledLabeledSetPath);
    expect(examples.length).toBeGreaterThanOrEqual(300);
    expect(new Set(examples.map((example) => example.category))).toEqual(new Set(['code', 'legal', 'creative', 'factual', 'reasoning', 'chitchat']));
    expect(() => checkLabeledTiers(examples, ['simple', 'medium', 'complex'], 'bundled')).not.toThrow();
  });

  it('keeps prompt, tier and category, ignores other fields and blank lines', () => {
    const text = '{"prompt": "hi", "tier": "simple", "id": 7}\n\n{"prompt": "prove it", "tier": "complex", "category": "reasoning"}\n';
    expect(parseLabeledSet(text, 'set.jsonl')).toEqual([
      { prompt: 'hi', tier: 'simple' },
      { prompt: 'prove it', tier: 'complex', category: 'reasoning' },
    ]);
  });

  it('names the file and line of a bad line, and the example with an unknown tier', () => {
    expect(() => parseLabeledSet('{"prompt": "a", "tier": "simple"}\n{"prompt": 1, "tier": "x"}', 'set.jsonl')).toThrow(/^set\.jsonl:2: prompt: /);
    expect(() => parseLabeledSet('{"prompt": "a"', 'set.jsonl')).toThrow(/^set\.jsonl:1: not valid JSON/);
    expect(() => parseLabeledSet('\n', 'set.jsonl')).toThrow(/no labeled prompts/);
    expect(() => readLabeledSet('/nonexistent.jsonl')).toThrow(/cannot read labeled set \/nonexistent\.jsonl/);
    expect(() => checkLabeledTiers([{ prompt: 'a', tier: 'gold' }], ['simple'], 'set.jsonl')).toThrow(/example 1 has tier "gold"/);
  });
});
