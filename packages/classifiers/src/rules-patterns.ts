import { wordCharacter } from './term-matcher.ts';
import type { Level } from './tier-scores.ts';

export interface TierRule {
  level: Level;
  /** Evidence added when the pattern matches (once per rule, however often it matches). */
  weight: number;
  pattern: RegExp;
}

// Unicode-aware word edges: `\b` only knows ASCII letters, so it fails before "évaluez" and
// would accept "api" glued to a Cyrillic letter. Inner `\b`s sit between ASCII words and stay.

/** `body` is a regex, or the source of one in pieces when it is too long for one line. */
function rule(level: Level, weight: number, body: RegExp | readonly string[]): TierRule {
  const source = body instanceof RegExp ? body.source : body.join('');
  return { level, weight, pattern: new RegExp(`(?<!${wordCharacter})(?:${source})(?!${wordCharacter})`, 'iu') };
}

/**
 * Regex rules naming kinds of requests, never particular prompts. Weights: 1 for near-certain
 * signals, less for words that also turn up in easier requests. A few rules carry the common
 * French, German, Spanish and Italian forms of the same verbs. Compiled once, at import.
 *
 * Medium rules exist to outvote the "short prompt" lean: "Write a haiku about coffee" is short
 * but is real work, and "Explain how tides work" is not a look-up.
 */
export const tierRules: readonly TierRule[] = [
  // Complex: reasoning that must hold end to end.
  rule('complex', 1.2, [
    String.raw`prove|proving|proofs? (?:of|that)|disprove|show that|derive|derivations?|counterexamples?|`,
    String.raw`rigorous(?:ly)?|formally verify|by (?:contradiction|induction)|prouve[rz]?|démontre[rz]?|beweise[n]?|`,
    String.raw`demuestra|demostrar|dimostra(?:re)?`,
  ]),
  rule('complex', 0.5, [
    String.raw`integrals?|differential equations?|eigen\w+|asymptotic\w*|complexity|confidence intervals?|tight bound|`,
    String.raw`undecidab\w+|uncountab\w+`,
  ]),
  // Complex: designing something with many moving parts.
  rule('complex', 1, [
    String.raw`(?:design|architect|devise|invent|propose|plan)(?:s|d|ed|ing|ning|ned)?\b[^.?!\n]{0,40}?\b`,
    String.raw`(?:systems?|architectures?|platforms?|pipelines?|infrastructure|protocols?|algorithms?|`,
    String.raw`data structures?|schedulers?|strateg(?:y|ies)|migrations?)`,
  ]),
  rule('complex', 0.6, /^\W*(?:design|architect|devise|invent)/),
  rule('complex', 0.8, [
    String.raw`distributed|scalab\w+|fault[- ]toleran\w+|high[- ]availability|multi[- ](?:region|tenan\w+)|consensus|`,
    String.raw`shard\w*|replication|event[- ]sourc\w+|zero[- ]downtime|exactly[- ]once|microservices?|at scale|`,
    String.raw`\d+ (?:million|billion)`,
  ]),
  rule('complex', 0.7, /race conditions?|deadlocks?|lock[- ]free|memory (?:model|reclamation)|thread[- ]safe\w*/),
  // Complex: reviews and analyses where a miss is expensive.
  rule('complex', 1, [
    String.raw`security (?:review|audit|analysis|assessment|implications|flaws?|problems?|issues?|holes?|`,
    String.raw`architecture|risks?)|threat[- ]model\w*|penetration test\w*|vulnerabilit\w+|attack surface|audit`,
  ]),
  rule('complex', 0.8, /root[- ]cause|post[- ]?mortem|failure (?:modes?|scenarios?)|cascading|resilien\w+/),
  rule('complex', 0.8, [
    String.raw`analy[sz]\w*|assess\w*|evaluat\w*|évalue[rz]?|bewert\w*|valuta\w*|critique|synthesi[sz]e|reconcile|`,
    String.raw`weigh\w*|justify|trade[- ]?offs?|pros and cons`,
  ]),
  rule(
    'complex',
    0.6,
    /risks?|riesgos?|risques?|risiken|liabilit(?:y|ies)|exposure|enforceab\w+|litigation|implications/,
  ),
  rule('complex', 0.6, /evidence|research|studies|literature|hypothes[ie]s|scholarly|meta[- ]analys[ie]s/),
  rule('complex', 0.6, /compare|comparing|contrast/),
  rule(
    'complex',
    0.6,
    /optimi[sz]\w*|optimal\w*|maximi[sz]\w*|minimi[sz]\w*|bottlenecks?|performance tuning|migrat\w+|roadmap/,
  ),
  rule('complex', 0.5, /in (?:depth|detail)|comprehensive|thorough\w*|exhaustive|precisely/),
  // Complex, weaker: one task chained onto another ("write the story, then explain the mapping").
  // The comma is looked behind: a match starting at it would fail the word-edge check, since a
  // comma follows a word.
  rule('complex', 0.5, /(?<=[,;])\s*then\s+\w+|\band\s+then\s+\w+/),
  // Complex: a large piece of work that must hold together across its parts (a branching plot,
  // an alternate history, a season of episodes).
  rule('complex', 0.6, /consistent|coherent|interlocking|branching/),
  rule('complex', 0.6, /^\W*(?:plan|develop|worldbuild)/),

  // Medium: ordinary work products.
  rule('medium', 0.8, [
    String.raw`^\W*(?:(?:please|can you|could you)\s+)?(?:write|draft|compose|create|come up with|rewrite|describe|`,
    String.raw`recommend|generate|solve|calculate|schreib\w*|escrib\w*|écri[rsv]\w*|scriv\w*)`,
  ]),
  rule('medium', 1, [
    String.raw`explain\w*|expli\w+|erkl[äa]r\w*|spiega\w*|summari[sz]\w*|walk me through|`,
    String.raw`how (?:does|do) [^.?!\n]{1,40} work|differences? between|differenza|diferencia|unterschied`,
  ]),
  rule('medium', 0.6, [
    String.raw`why (?:do|does|did|is|are|am)|what'?s wrong|what are (?:some|the likely)|`,
    String.raw`any (?:tips|advice|suggestions)|consejos?|how (?:can|should|do) (?:i|we)|what should (?:i|we)|help me`,
  ]),
  // Medium: algebra, i.e. a one-letter variable in an expression ("x^2 - 2y^2 = 1", "3x + 5",
  // "(a + b)^2"): work on symbols, never a look-up, however short. Bare arithmetic ("2^10") has
  // no variable and stays simple; "/" is left out so "I/O" and "A/B" are not algebra.
  rule('medium', 0.6, /[a-z]\^\d+|\d[a-z](?:\^\d+)?\s*[-+*=]|[a-z]\s?[-+*=]\s?(?:\d|[a-z](?![\p{L}\p{N}]))/u),

  // Simple: small talk (anchored: "thanks" at the start is chit-chat, in the middle it is not).
  rule('simple', 1.2, [
    String.raw`^\W*(?:hi|hiya|hello|hey|yo|thanks|thank you|cheers|good (?:morning|afternoon|evening|night|luck)|bye|`,
    String.raw`goodbye|how are you|happy \w+|merry \w+|bonjour|hola|ciao|hallo)`,
  ]),
  // Simple, weaker: other pleasantries, compliments and laughter, and questions about the
  // assistant itself ("are you...", "do you like..."). Weaker than the greetings so that "Sorry,
  // prove that..." stays a proof.
  rule('simple', 0.8, [
    String.raw`^\W*(?:(?:good|great) to see you|have a (?:good|great|nice|lovely) \w+|hope (?:you|your)|`,
    String.raw`much appreciated|never ?mind|sorry|(?:ha){2,}|lol|rise and shine|welcome back|`,
    String.raw`you'?re (?:awesome|great|amazing|the best))`,
  ]),
  rule('simple', 0.5, /^\W*(?:are you|do you (?:ever|like|love|have|get|enjoy|prefer|dream))/),
  // Simple: look-ups of a single fact or a term.
  rule('simple', 0.8, [
    String.raw`capital (?:city )?of|population of|boiling point|chemical symbol|atomic number|currency of|`,
    String.raw`official language|who (?:wrote|painted|invented|discovered|founded|made)|what year|`,
    String.raw`how many \w+(?: \w+)? (?:are|is|does|do|in)|stands? for|what does [^?\n]{1,40} mean|`,
    String.raw`qu[ée] significa|que veut dire|was bedeutet|cosa significa`,
  ]),
  rule('simple', 0.5, /^\W*(?:what|who|when|where|which)(?:\s+(?:is|was|are|were|did)\b|'s\b)/),
  rule('simple', 1, /^\W*(?:define|definition of|meaning of)/),
  // Simple: one-step transformations and single words.
  rule('simple', 1, [
    String.raw`^\W*(?:translate|convert|format|indent|rename|capitali[sz]e|round|spell|alphabeti[sz]e|sort|put these|`,
    String.raw`fix the (?:punctuation|typo|spelling|grammar|capitali[sz]ation)|proofread)`,
  ]),
  rule('simple', 0.8, [
    String.raw`synonyms?|antonyms?|rhym\w*|words? that means?|a word for|one[- ]word|in one (?:word|sentence)|`,
    String.raw`yes or no|as a (?:fraction|decimal|percentage)`,
  ]),
  rule('simple', 0.5, /^\W*(?:suggest|give me|name) (?:a|an|one)/),
  // Simple: bare arithmetic ("What is 12 times 12?", "What's half of 250?").
  rule('simple', 1, [
    String.raw`^\W*(?:what is|what's|calculate|compute)\s+(?:half of |the square (?:root )?of )?`,
    String.raw`\d[\d.,]*%?\s*(?:[-+*/x×÷^]|times|plus|minus|divided by|to the power of|of|squared)?`,
    String.raw`\s*[\d.,]*\s*\??\s*$`,
  ]),
];
