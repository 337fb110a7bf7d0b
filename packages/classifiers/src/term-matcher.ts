/**
 * Finds whole-word occurrences of fixed term lists in a text with one precompiled regex, so a
 * typical prompt costs one linear scan whatever the number of terms.
 *
 * Matching is case-insensitive and Unicode-aware: a term only matches where it is not glued to
 * other letters, marks or digits ("api" does not match inside "rapid" or "capital"; see
 * `wordCharacter` for scripts written without spaces).
 * Words inside a term may be separated by spaces, hyphens or nothing ("trade-offs", "trade offs",
 * "tradeoffs"), and a term of three or more Latin letters also matches its plural ("bug" → "bugs").
 */
export interface TermMatcher {
  /**
   * Per group (in the order given), the weighted count of distinct terms found: a term counts
   * once however often it repeats, so pasting the same word a thousand times is no stronger a
   * signal than writing it once. Multi-word terms weigh 1.5: they are rarely incidental.
   */
  count(text: string): number[];
}

/**
 * A character that glues onto a word: any letter, mark, digit or underscore, except Han, kana and
 * Thai, which are written without spaces, so "用Python写" must still contain the word "Python".
 * A source fragment for regexes with the `u` flag.
 */
export const wordCharacter = '(?![\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Thai}])[\\p{L}\\p{M}\\p{N}_]';
const multiWordWeight = 1.5;

interface CompiledTerm {
  source: string;
  weight: number;
  groups: number[];
}

export function createTermMatcher(groups: readonly (readonly string[])[]): TermMatcher {
  const byKey = new Map<string, CompiledTerm>();
  groups.forEach((terms, groupIndex) => {
    for (const term of terms) {
      const words = term
        .toLowerCase()
        .split(/[\s-]+/u)
        .filter((word) => word.length > 0);
      if (words.length === 0) continue;
      const key = words.join(' ');
      const existing = byKey.get(key);
      if (existing !== undefined) {
        if (!existing.groups.includes(groupIndex)) existing.groups.push(groupIndex);
        continue;
      }
      byKey.set(key, {
        source: termSource(words),
        weight: words.length > 1 ? multiWordWeight : 1,
        groups: [groupIndex],
      });
    }
  });
  // Longest first: at one position the alternation takes the first branch that matches, and the
  // specific "security review" must win over a plain "security".
  const terms = [...byKey.values()].sort((a, b) => b.source.length - a.source.length);
  const groupCount = groups.length;
  if (terms.length === 0) return { count: () => new Array<number>(groupCount).fill(0) };

  // One capture group per term tells which term matched without re-normalising the matched text.
  const alternatives = terms.map((term) => `(${term.source})`).join('|');
  const pattern = new RegExp(`(?<!${wordCharacter})(?:${alternatives})(?!${wordCharacter})`, 'giu');

  return {
    count(text: string): number[] {
      const totals = new Array<number>(groupCount).fill(0);
      const seen = new Set<number>();
      // The regex is shared; resetting lastIndex is safe because this loop never yields.
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        // Exactly one capture group took part in the match and it holds the whole match.
        const termIndex = match.indexOf(match[0], 1) - 1;
        const term = terms[termIndex];
        if (term === undefined || seen.has(termIndex)) continue;
        seen.add(termIndex);
        for (const group of term.groups) totals[group] = (totals[group] ?? 0) + term.weight;
      }
      return totals;
    },
  };
}

function termSource(words: readonly string[]): string {
  const escaped = words.map(escapeRegExp).join('[\\s\\-]*');
  const last = words[words.length - 1] ?? '';
  return /[a-z]{3}$/.test(last) ? `${escaped}(?:e?s)?` : escaped;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
