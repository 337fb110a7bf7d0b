import { describe, expect, it } from 'vitest';
import { cosine } from './embedder.ts';
import { createHashingEmbedder } from './hashing-embedder.ts';
import { defaultFeatureOptions, extractFeatures, normalizeText, tokenize } from './text-features.ts';

const features = (text: string) => extractFeatures(text, defaultFeatureOptions);
const norm = (values: Float32Array) => Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));

describe('extractFeatures', () => {
  it('gives unit-length sparse vectors over distinct buckets, the same on every call', () => {
    const first = features('Prove that there are infinitely many primes.');
    expect(norm(first.values)).toBeCloseTo(1, 5);
    expect(new Set(first.indices).size).toBe(first.indices.length);
    expect(first.indices.every((index) => index >= 0 && index < defaultFeatureOptions.dimensions)).toBe(true);
    expect(features('Prove that there are infinitely many primes.')).toEqual(first);
  });

  it('ignores case and folds digits, so quantities do not make prompts look different', () => {
    expect(features('What is 12 times 34?')).toEqual(features('WHAT IS 98 TIMES 76?'));
    expect(normalizeText('Abc 2024')).toBe('abc 0000');
  });

  it('splits scripts written without spaces into characters and keeps other words whole', () => {
    expect(tokenize(normalizeText('请用Python写'))).toEqual(['请', '用', 'python', '写']);
    expect(tokenize(normalizeText("Don't panic, señor!"))).toEqual(["don't", 'panic', 'señor']);
    expect(tokenize('مرحبا بالعالم')).toEqual(['مرحبا', 'بالعالم']);
  });

  it('handles empty, emoji-only, lone-surrogate and 1 MB prompts', () => {
    for (const prompt of ['', '🎉🔥👍', '\ud800', 'x'.repeat(1_100_000)]) {
      const vector = features(prompt);
      expect(vector.indices.length).toBe(vector.values.length);
      expect(vector.values.every((value) => Number.isFinite(value))).toBe(true);
    }
    const withoutShape = extractFeatures('', { ...defaultFeatureOptions, shape: false });
    expect(withoutShape.indices.length).toBe(0);
  });

  it('refuses a bucket count that is not a power of two', () => {
    expect(() => extractFeatures('hi', { ...defaultFeatureOptions, dimensions: 1000 })).toThrow(/power of two/);
  });
});

describe('createHashingEmbedder', () => {
  const embedder = createHashingEmbedder({ dimensions: 4096 });
  const similarity = (a: string, b: string) => {
    const [first, second] = embedder.embed([a, b]) as Float32Array[];
    return cosine(first as Float32Array, second as Float32Array);
  };

  it('embeds into the configured size and finds reworded prompts closer than unrelated ones', () => {
    expect(embedder.name).toBe('hashing-4096');
    expect((embedder.embed(['hello']) as Float32Array[])[0]).toHaveLength(4096);
    const close = similarity(
      'Write a Python function that reverses a list.',
      'Write a python function to reverse a linked list',
    );
    const far = similarity('Write a Python function that reverses a list.', 'Good morning! How are you today?');
    expect(close).toBeGreaterThan(far + 0.2);
  });

  it('gives an empty prompt a similarity of 0 to text, not NaN', () => {
    const [empty, text] = embedder.embed(['', 'hello']) as Float32Array[];
    expect(cosine(new Float32Array(4096), text as Float32Array)).toBe(0);
    expect(Number.isFinite(cosine(empty as Float32Array, text as Float32Array))).toBe(true);
  });
});
