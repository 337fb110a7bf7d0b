import { normalizePrompt, stableUnit } from '@switchyard/core';
import type { Benchmark, RecordedOutcome, RouteLlmData } from './routellm-data.ts';

/** A training part and a test part that share no MMLU subject, no MT-Bench category and no prompt. */
export interface RouteLlmSplit {
  /** How the parts were made, for the report. */
  description: string;
  train: RouteLlmData;
  test: RouteLlmData;
  /** Test prompts dropped because the training part holds them too (whitespace aside). */
  overlapDropped: number;
}

export interface BuiltInSplitOptions {
  /** Share of the groups (MMLU subjects, MT-Bench categories, GSM8K prompts) put in the test part. */
  testShare?: number | undefined;
  /** Changes which groups land in the test part; `dev` splits the training part again with another salt. */
  salt?: string | undefined;
}

/**
 * 30% of the groups held out: with 40 MMLU subjects that is about 12 unseen subjects, enough for
 * a bootstrap interval of a few hundredths, while training keeps about 28.
 */
export const defaultTestShare = 0.3;
export const defaultSalt = 'switchyard-routellm';
/** The salt of the development split: carved out of the training part only, so tuning never sees the test part. */
export const developmentSalt = 'switchyard-routellm-dev';

/**
 * The built-in split of one directory: every group goes wholly to one side by a hash of its name
 * (MMLU subject, MT-Bench category; for GSM8K, whose prompts are all of one kind, the hash of the
 * whitespace-normalised prompt). Groups sharing a prompt are merged first (leakFreeGroups), so the
 * same question never sits on both sides. The split depends only on names, never on outcomes.
 */
export function splitBuiltIn(data: RouteLlmData, options: BuiltInSplitOptions = {}): RouteLlmSplit {
  const testShare = options.testShare ?? defaultTestShare;
  if (!(testShare > 0 && testShare < 1)) throw new Error(`the test share must be between 0 and 1, got ${testShare}`);
  const salt = options.salt ?? defaultSalt;
  const trainBenchmarks: Benchmark[] = [];
  const testBenchmarks: Benchmark[] = [];
  for (const benchmark of data.benchmarks) {
    const groups = leakFreeGroups(benchmark.items);
    const inTest = benchmark.items.map((_, index) => stableUnit(`${salt}\n${groups[index] as string}`) < testShare);
    trainBenchmarks.push({ ...benchmark, items: benchmark.items.filter((_, index) => !(inTest[index] as boolean)) });
    testBenchmarks.push({ ...benchmark, items: benchmark.items.filter((_, index) => inTest[index] as boolean) });
  }
  const side = (benchmarks: Benchmark[]): RouteLlmData => ({
    ...data,
    benchmarks: benchmarks.filter((benchmark) => benchmark.items.length > 0),
  });
  const saltNote = salt === defaultSalt ? '' : `salt "${salt}", `;
  return {
    description:
      `${data.directory}, split by ${saltNote}MMLU subject, MT-Bench category and GSM8K prompt hash: ` +
      `${Math.round(testShare * 100)}% of them held out for the test`,
    train: side(trainBenchmarks),
    test: side(testBenchmarks),
    overlapDropped: 0,
  };
}

/** `--train-dir A --test-dir B`: prompts of B that A also holds are dropped from the test. */
export function splitByDirectories(train: RouteLlmData, test: RouteLlmData): RouteLlmSplit {
  const seen = new Set(
    train.benchmarks.flatMap((benchmark) => benchmark.items.map((item) => normalizePrompt(item.prompt))),
  );
  let overlapDropped = 0;
  const benchmarks = test.benchmarks.map((benchmark) => {
    const items = benchmark.items.filter((item) => !seen.has(normalizePrompt(item.prompt)));
    overlapDropped += benchmark.items.length - items.length;
    return { ...benchmark, items };
  });
  return {
    description: `trained on ${train.directory}, tested on ${test.directory}`,
    train,
    test: { ...test, benchmarks: benchmarks.filter((benchmark) => benchmark.items.length > 0) },
    overlapDropped,
  };
}

/**
 * The group of each item: its own group, except that groups sharing a prompt (whitespace
 * normalised) are merged into one, named after the first of them in sort order. The same
 * question can sit in two groups (78 MMLU questions are in both clinical_knowledge and
 * college_medicine); split over the two sides, each copy would be scored by a model trained on
 * the other, with the same outcome.
 */
export function leakFreeGroups(items: readonly RecordedOutcome[]): string[] {
  const parent = new Map<string, string>();
  const root = (group: string): string => {
    let current = group;
    for (let next = parent.get(current); next !== undefined; next = parent.get(current)) current = next;
    return current;
  };
  const groupOfPrompt = new Map<string, string>();
  for (const item of items) {
    const prompt = normalizePrompt(item.prompt);
    const seen = groupOfPrompt.get(prompt);
    if (seen === undefined) {
      groupOfPrompt.set(prompt, item.group);
      continue;
    }
    const [first, second] = [root(seen), root(item.group)].sort() as [string, string];
    if (first !== second) parent.set(second, first);
  }
  return items.map((item) => root(item.group));
}
