export interface AnswerUnderReview {
  prompt: string;
  answer: string;
  finishReason: string;
  /** The client asked for a JSON object (`response_format: json_object`). */
  expectsJson: boolean;
}

export interface QualityVerdict {
  /** 0 (useless) .. 1 (no problem found). */
  score: number;
  /** Every problem found, e.g. `refusal`, `truncated`; empty when none. */
  reasons: string[];
}

// A refusal is only a refusal when it leads the answer (after an optional "[label]"): "I can't
// stress enough..." later in a good answer must not count.
const unable = String.raw`(?:can(?:no|['’])t|am unable)`;
const refusalOpenings = [
  String.raw`i['’]m sorry,? but i ${unable}`,
  String.raw`i (?:can(?:no|['’])t|won['’]t|am unable to) (?:help|assist|comply|provide|do that)`,
  String.raw`as an ai(?: language model)?,? i ${unable}`,
];
const refusalPattern = new RegExp(String.raw`^(?:\[[^\]]*\]\s*)?(?:${refusalOpenings.join('|')})`, 'i');

/** Prompts at least this long ask for real work; a one-line answer to them is suspect. */
const substantialPromptChars = 200;
const minimumAnswerChars = 40;

// Scores are the worst problem found; the values sit below the default threshold of 0.7 so
// that each problem alone escalates.
const penalties = { empty: 0, 'invalid-json': 0.1, refusal: 0.2, truncated: 0.4, 'too-short': 0.5 } as const;

/** Heuristic quality gate: cheap checks that catch answers not worth returning. */
export function assessAnswer(review: AnswerUnderReview): QualityVerdict {
  const answer = review.answer.trim();
  if (answer.length === 0) return { score: penalties.empty, reasons: ['empty'] };
  const reasons: (keyof typeof penalties)[] = [];
  if (refusalPattern.test(answer)) reasons.push('refusal');
  if (review.finishReason === 'length') reasons.push('truncated');
  if (review.expectsJson && !isJsonObject(answer)) reasons.push('invalid-json');
  if (review.prompt.trim().length >= substantialPromptChars && answer.length < minimumAnswerChars)
    reasons.push('too-short');
  const score = reasons.reduce((worst, reason) => Math.min(worst, penalties[reason]), 1);
  return { score, reasons };
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}
