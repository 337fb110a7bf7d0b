/** A classifying model's answer, checked against the config's tiers and routes. */
export interface LlmAnswer {
  tier: string;
  /** Undefined when the answer named no route or one the config does not have. */
  route: string | undefined;
  confidence: number;
  /** True when the answer gave no confidence and `classifier.llm.defaultConfidence` stands in. */
  confidenceDefaulted: boolean;
  /** The model's own reason, when it gave one (it is not asked to). */
  reason: string | undefined;
}

export interface AnswerVocabulary {
  tierNames: readonly string[];
  routeNames: readonly string[];
  defaultConfidence: number;
}

/**
 * Past this many characters an answer is not read further: the model is asked for a one-line
 * object and at most 200 tokens, so a longer text is a server misbehaving, and scanning it for
 * objects would cost more than the classification is worth.
 */
const maxAnswerChars = 20_000;
/** Objects tried before giving up: enough for a sentence with an example object before the answer. */
const maxCandidates = 20;
const maxReasonChars = 300;

/**
 * The end of the JSON object that starts at `start` (the index of its closing brace), braces
 * inside strings not counted; -1 when it does not close.
 */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/**
 * The first JSON object in `text` that has a `tier` field. Models wrap the object in a ```json
 * fence or a sentence, sometimes after an example object of their own, even when told not to.
 */
function findAnswerObject(text: string): Record<string, unknown> | undefined {
  let from = 0;
  for (let tried = 0; tried < maxCandidates; tried += 1) {
    const start = text.indexOf('{', from);
    if (start < 0) return undefined;
    from = start + 1;
    const end = objectEnd(text, start);
    if (end < 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, end + 1));
    } catch {
      continue;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'tier' in value)
      return value as Record<string, unknown>;
  }
  return undefined;
}

/** `name` as the config spells it, compared trimmed and case-insensitively ("Complex" is complex). */
function known(value: unknown, names: readonly string[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const wanted = value.trim().toLowerCase();
  return names.find((name) => name.toLowerCase() === wanted);
}

/** A number, or a string holding one ("0.8"); NaN for anything else. */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

/**
 * Reads a model's answer; never throws. Unusable answers (no object with a `tier`, a tier the
 * config does not have, a confidence that is not a number from 0 to 1) give a `problem` naming
 * what was wrong. A missing confidence is `defaultConfidence`; a missing or unknown route is no
 * route (the chain's fallback), since the tier is what the answer is mainly for.
 */
export function parseAnswer(text: string, vocabulary: AnswerVocabulary): { answer: LlmAnswer } | { problem: string } {
  const object = findAnswerObject(text.length > maxAnswerChars ? text.slice(0, maxAnswerChars) : text);
  if (object === undefined)
    return { problem: `no JSON object with a "tier" in the answer: ${JSON.stringify(text.slice(0, 80))}` };
  const tier = known(object.tier, vocabulary.tierNames);
  if (tier === undefined) {
    const named = JSON.stringify(object.tier)?.slice(0, 40) ?? 'nothing';
    return { problem: `answer tier: ${named} is not one of ${vocabulary.tierNames.join(', ')}` };
  }
  const missing = object.confidence === undefined || object.confidence === null;
  const confidence = missing ? vocabulary.defaultConfidence : numberOf(object.confidence);
  if (!(confidence >= 0 && confidence <= 1)) {
    const given = JSON.stringify(object.confidence)?.slice(0, 40);
    return { problem: `answer confidence: ${given} is not a number from 0 to 1` };
  }
  const reason = typeof object.reason === 'string' ? object.reason.slice(0, maxReasonChars) : undefined;
  return {
    answer: {
      tier,
      route: known(object.route, vocabulary.routeNames),
      confidence,
      confidenceDefaulted: missing,
      reason,
    },
  };
}
