import { describe, expect, it } from 'vitest';
import { createTermMatcher } from './term-matcher.ts';

describe('createTermMatcher', () => {
  const matcher = createTermMatcher([
    ['api', 'stack trace', 'bug', 'c++'],
    ['contract', 'non-disclosure'],
  ]);

  it('matches whole words only, case-insensitively', () => {
    expect(matcher.count('The API returns 500')).toEqual([1, 0]);
    expect(matcher.count('a rapid capital')).toEqual([0, 0]);
    expect(matcher.count('CONTRACT')).toEqual([0, 1]);
  });

  it('matches multi-word terms across spaces, hyphens or nothing, and weighs them 1.5', () => {
    expect(matcher.count('here is the stack trace')).toEqual([1.5, 0]);
    expect(matcher.count('a stack-trace and a stacktrace')).toEqual([1.5, 0]);
    expect(matcher.count('sign the non disclosure agreement')).toEqual([0, 1.5]);
    expect(matcher.count('a stack of traces')).toEqual([0, 0]);
  });

  it('matches plurals of longer Latin terms, and terms with symbols', () => {
    expect(matcher.count('two bugs in three contracts')).toEqual([1, 1]);
    expect(matcher.count('apis')).toEqual([1, 0]);
    expect(matcher.count('modern C++ is fine')).toEqual([1, 0]);
  });

  it('counts each distinct term once, however often it repeats', () => {
    expect(matcher.count('bug bug bug BUG bugs')).toEqual([1, 0]);
    expect(matcher.count('api bug contract')).toEqual([2, 1]);
  });

  it('treats letters of any script as part of a word, except scripts written without spaces', () => {
    expect(matcher.count('apiдом')).toEqual([0, 0]);
    expect(matcher.count('éapi')).toEqual([0, 0]);
    expect(matcher.count('请用api写')).toEqual([1, 0]);
    expect(matcher.count('apiを使う')).toEqual([1, 0]);
  });

  it('counts a term listed in two groups for both', () => {
    const shared = createTermMatcher([['license'], ['license', 'lease']]);
    expect(shared.count('read the license')).toEqual([1, 1]);
  });

  it('handles empty groups, empty text and lone surrogates without throwing', () => {
    expect(createTermMatcher([[], ['  ']]).count('anything')).toEqual([0, 0]);
    expect(matcher.count('')).toEqual([0, 0]);
    expect(matcher.count('\ud800 api \udfff')).toEqual([1, 0]);
  });
});
