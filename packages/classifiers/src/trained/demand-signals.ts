import { boundedText } from '../bounded-text.ts';

/**
 * What makes a prompt hard is often not its verb but how much it asks for: several tasks chained
 * ("..., then explain"), a proof or a justification, constraints to keep, trade-offs to weigh.
 * These counts read that in the languages the labeled set holds, so a tier model can weigh them
 * against a rule that fired on "explain" or "write" alone. Each value is in [0, 1].
 */
const patterns: RegExp[] = [
  // Chained tasks: "then", "and then", and their French, Spanish, Portuguese, Italian, German, Russian,
  // Chinese, Japanese forms.
  /(?:^|[\s,;])(?:then|and then|afterwards|puis|ensuite|luego|después|depois|poi|dann|danach|затем|потом)\s/giu,
  // Asked to prove, derive, justify or verify.
  new RegExp(
    String.raw`\b(?:prove|proof|derive|derivation|justify|verify|démontre\w*|justifie\w*|demuestra\w*|justifica\w*|` +
      String.raw`dimostra\w*|beweis\w*|begründe\w*|докаж\w*|доказ\w*|обоснуй\w*)\b|证明|証明`,
    'giu',
  ),
  // Weighing: compare, evaluate, trade-offs, critique, analyse.
  new RegExp(
    String.raw`\b(?:compar\w*|contrast\w*|evaluat\w*|assess\w*|weigh\w*|trade-?offs?|critique\w*|analy[sz]\w*|` +
      String.raw`analis\w*|bewerte\w*|vergleich\w*|сравни\w*|оцени\w*|проанализиру\w*)\b|比较|评价|分析|比較|評価`,
    'giu',
  ),
  // Constraints: exactly, strict, must, without, at least, every.
  /\b(?:exactly|strict\w*|must|without|at least|at most|every|each|guarantee\w*|ensure|make sure|debe|doit|muss)\b/giu,
  // Several questions or requests in one prompt.
  /[?？]/gu,
];
export const demandSlots = patterns.length + 2;

export function demandSignals(prompt: string): number[] {
  const text = boundedText(prompt);
  const counts = patterns.map((pattern) => {
    pattern.lastIndex = 0;
    let count = 0;
    while (pattern.exec(text) !== null) count += 1;
    return Math.min(1, count / 3);
  });
  // Clauses: commas, semicolons and sentence ends, full-width forms too; a long list of demands is a long prompt.
  let clauses = 0;
  for (const character of text) if (',;.，；。、'.includes(character)) clauses += 1;
  counts.push(Math.min(1, clauses / 12), Math.min(1, Math.log2(1 + text.length) / 12));
  return counts;
}
