import { describe, expect, it } from 'vitest';
import { VerdictCache } from './verdict-cache.ts';

describe('VerdictCache', () => {
  it('evicts the least recently used entry, a lookup counting as a use', () => {
    const cache = new VerdictCache<number>({ maxEntries: 2, ttlMs: 60_000 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  it('forgets an entry once its time to live is over', () => {
    let now = 1_000;
    const cache = new VerdictCache<string>({ maxEntries: 10, ttlMs: 500, now: () => now });
    cache.set('key', 'verdict');
    now += 499;
    expect(cache.get('key')).toBe('verdict');
    now += 1;
    expect(cache.get('key')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps nothing with maxEntries 0', () => {
    const cache = new VerdictCache<number>({ maxEntries: 0, ttlMs: 60_000 });
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
