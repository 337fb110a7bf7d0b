/**
 * Reads a score from 0 to 1 out of a judge model's reply, or `undefined` when the reply does not
 * say one clearly. Accepted, alone or inside a longer reply:
 * - a JSON object with a numeric `score` (`{"score": 0.8}`, also in a code fence);
 * - a labelled score: `Score: 0.8`, `rating = 8/10`, `Grade: 80%`;
 * - a bare reply that is nothing but a number in 0..1, a fraction (`8/10`, `4 out of 5`) or a
 *   percentage (`80%`);
 * - in free text without a label, a fraction or a percentage when it is the only one.
 *
 * Anything else is unknown rather than guessed: a number without a scale outside 0..1 (`7`: out
 * of 5? of 10?), a value outside its scale (`1.5`, `12/10`, `120%`), a negative number, a decimal
 * comma, or two different scores in one reply (`Score: 0.3 ... Score: 0.9`).
 */
export function parseJudgeScore(reply: string): number | undefined {
  // A reasoning model's thinking may weigh scores it then rejects: only the reply after it counts.
  const text = stripFence(reply.replace(/<think>[\s\S]*?<\/think>/gi, '').trim());
  if (text === '') return undefined;
  const fromJson = jsonScore(text);
  if (fromJson !== 'absent') return fromJson;
  const bare = readValue(text.replace(/[.!]$/, ''), true);
  if (bare !== 'absent') return bare;
  const labelled = agreeing([...text.matchAll(labelledPattern)].map((match) => readValue(match[1] ?? '', true)));
  if (labelled !== 'absent') return labelled;
  const scaled = agreeing([...text.matchAll(scaledPattern)].map((match) => readValue(match[0], false)));
  return scaled === 'absent' ? undefined : scaled;
}

const labels = ['score', 'rating', 'grade'];

/** `absent`: the text holds no score of this form; `undefined`: it holds one, but not a usable one. */
type Reading = number | undefined | 'absent';

// A number is digits with an optional decimal point; a decimal comma ("0,8") or a number glued to
// more digits is not one: the lookarounds refuse to cut a number out of a longer one.
const number = String.raw`(?<![\d.,])-?(?:\d+(?:\.\d+)?|\.\d+)(?![\d]|[.,]\d)`;
const scale = String.raw`(?:\s*(?:/|out of|of)\s*${number}|\s*%)?`;
const valuePattern = new RegExp(String.raw`^(${number})(?:\s*(?:/|out of|of)\s*(${number})|\s*(%))?$`, 'i');
// The label may be bold or quoted and may restate the scale: `**Score (0-1):** 0.8`.
const labelledPattern = new RegExp(
  String.raw`\b(?:score|rating|grade)[*_"']*(?:\s*\([^)]{0,20}\))?\s*(?::|=|is|of)?[*_\s]*((?:${number})${scale})`,
  'gi',
);
const scaledPattern = new RegExp(String.raw`${number}(?:\s*(?:/|out of)\s*${number}|\s*%)`, 'gi');

function stripFence(text: string): string {
  const fenced = /^```[a-z]*\s*([\s\S]*?)\s*```$/i.exec(text);
  return fenced?.[1] ?? text;
}

/** One value with its optional scale; `bareNumber` says whether a number without a scale counts (as 0..1). */
function readValue(text: string, bareNumber: boolean): Reading {
  const match = valuePattern.exec(text.trim());
  if (match === null) return 'absent';
  const value = Number(match[1]);
  if (match[3] === '%') return inUnit(value / 100);
  if (match[2] !== undefined) {
    const denominator = Number(match[2]);
    return denominator > 0 && value <= denominator ? inUnit(value / denominator) : undefined;
  }
  return bareNumber ? inUnit(value) : 'absent';
}

function inUnit(value: number): number | undefined {
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}

function jsonScore(text: string): Reading {
  if (!text.startsWith('{')) return 'absent';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'absent';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const entry = Object.entries(parsed).find(([key]) => labels.includes(key.toLowerCase()));
  if (entry === undefined) return undefined;
  const [, value] = entry;
  if (typeof value === 'number') return inUnit(value);
  return typeof value === 'string' ? readValue(value, true) : undefined;
}

/** The one value all readings agree on; unknown when any is unusable or two differ. */
function agreeing(readings: Reading[]): Reading {
  const found = readings.filter((reading) => reading !== 'absent');
  if (found.length === 0) return 'absent';
  const [first] = found;
  if (first === undefined) return undefined;
  return found.every((reading) => reading !== undefined && Math.abs(reading - first) < 1e-9) ? first : undefined;
}
