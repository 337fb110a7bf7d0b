import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** One labeled prompt: the tier a good router sends it to. */
export interface LabeledExample {
  prompt: string;
  tier: string;
  /** Optional grouping (code, legal, ...), used only to report figures per category. */
  category?: string;
  /** 1-based line in the file it was read from, for messages; absent for examples built in code. */
  line?: number;
}

/** The labeled set written for this project (369 prompts, six categories), shipped in the repository. */
export const bundledLabeledSetPath = fileURLToPath(new URL('../data/labeled-prompts.jsonl', import.meta.url));

// Other fields are allowed and ignored: the files are often exports with ids and notes.
const lineSchema = z.object({
  prompt: z.string(),
  tier: z.string().min(1),
  category: z.string().optional(),
});

/** Parses JSONL (one object a line, blank lines skipped); errors name the source and line. */
export function parseLabeledSet(text: string, source: string): LabeledExample[] {
  const examples: LabeledExample[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${source}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${where}: ${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'} ` +
          '(each line needs "prompt" and "tier")',
      );
    }
    const example: LabeledExample = { prompt: parsed.data.prompt, tier: parsed.data.tier };
    if (parsed.data.category !== undefined) example.category = parsed.data.category;
    example.line = index + 1;
    examples.push(example);
  });
  if (examples.length === 0) throw new Error(`${source}: no labeled prompts in the file`);
  return examples;
}

export function readLabeledSet(path: string): LabeledExample[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read labeled set ${path}: ${(error as Error).message}`);
  }
  return parseLabeledSet(text, path);
}

/**
 * Fails naming the file line (or, for examples not read from a file, the position) of the first
 * tier not on the ladder.
 */
export function checkLabeledTiers(
  examples: readonly LabeledExample[],
  tierNames: readonly string[],
  source: string,
): void {
  const index = examples.findIndex((example) => !tierNames.includes(example.tier));
  const example = examples[index];
  if (example === undefined) return;
  const where = example.line === undefined ? `${source}: example ${index + 1}` : `${source}:${example.line}`;
  throw new Error(`${where}: tier "${example.tier}" is not configured (tiers: ${tierNames.join(', ')})`);
}
