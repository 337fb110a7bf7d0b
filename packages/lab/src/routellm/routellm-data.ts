import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { normalizePrompt } from '@switchyard/core';
import { readRouteLlmTable } from '@switchyard/providers';

/** What the weak and the strong model achieved on one prompt (1/0 for right/wrong, or a judge score). */
export interface RecordedOutcome {
  prompt: string;
  /** MMLU subject, MT-Bench category, or the benchmark name: what cross-validation holds out together. */
  group: string;
  weak: number;
  strong: number;
}

export interface Benchmark {
  name: 'gsm8k' | 'mmlu' | 'mt_bench';
  /** What `weak`/`strong` measure. */
  metric: 'accuracy' | 'mean judge score (1-10)';
  items: RecordedOutcome[];
  /** Prompts dropped because upstream router training data contained them. */
  contaminatedDropped: number;
  files: string[];
}

export interface RouteLlmData {
  directory: string;
  weakModel: string;
  strongModel: string;
  benchmarks: Benchmark[];
  /** Problems worth saying out loud, e.g. a benchmark without its contamination list. */
  warnings: string[];
}

export interface RouteLlmModels {
  weakModel: string;
  strongModel: string;
}

/** The models of the RouteLLM evaluation files (lm-sys/RouteLLM). */
export const routeLlmModels: RouteLlmModels = {
  weakModel: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
  strongModel: 'gpt-4-1106-preview',
};

const contaminatedLine = z.object({ eval_prompt: z.string() });
const questionLine = z.object({ question_id: z.number(), category: z.string(), turns: z.array(z.string()).min(1) });
const judgementLine = z.object({ question_id: z.number(), model: z.string(), score: z.number(), turn: z.number() });

/**
 * Reads whatever subset of the RouteLLM files the directory holds: `gsm8k_responses.csv`,
 * `mmlu/mmlu_<subject>.csv`, `mt_bench_questions.jsonl` with `mt_bench_judgements.jsonl`, and
 * the contamination lists beside them, whose prompts are dropped. Fails naming the path when the
 * directory is missing or holds none of them.
 */
export function loadRouteLlm(directory: string, models: RouteLlmModels = routeLlmModels): RouteLlmData {
  const root = resolve(directory);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new Error(`RouteLLM data directory ${root} does not exist`);
  const warnings: string[] = [];
  const benchmarks: Benchmark[] = [];

  const gsm8k = join(root, 'gsm8k_responses.csv');
  if (existsSync(gsm8k)) {
    // Grade-school word problems of one kind: each prompt is its own group (the split hashes it).
    const items = readOutcomeCsv(gsm8k, 'gsm8k', models).map((item) => ({
      ...item,
      group: `gsm8k:${normalizePrompt(item.prompt)}`,
    }));
    benchmarks.push(
      dropContaminated('gsm8k', 'accuracy', items, [gsm8k], join(root, 'gsm8k_contaminated_prompts.jsonl'), warnings),
    );
  }

  const mmluDirectory = join(root, 'mmlu');
  const subjects = existsSync(mmluDirectory)
    ? readdirSync(mmluDirectory)
        .filter((name) => /^mmlu_.+\.csv$/.test(name))
        .sort()
    : [];
  if (subjects.length > 0) {
    const files = subjects.map((name) => join(mmluDirectory, name));
    const items = files.flatMap((file, index) =>
      readOutcomeCsv(file, `mmlu:${(subjects[index] as string).replace(/^mmlu_|\.csv$/g, '')}`, models),
    );
    benchmarks.push(
      dropContaminated('mmlu', 'accuracy', items, files, join(mmluDirectory, 'contaminated_prompts.jsonl'), warnings),
    );
  }

  const questions = join(root, 'mt_bench_questions.jsonl');
  const judgements = join(root, 'mt_bench_judgements.jsonl');
  if (existsSync(questions) !== existsSync(judgements)) {
    warnings.push(`MT-Bench skipped: it needs both ${questions} and ${judgements}`);
  } else if (existsSync(questions)) {
    const items = readMtBench(questions, judgements, models, warnings);
    benchmarks.push(
      dropContaminated(
        'mt_bench',
        'mean judge score (1-10)',
        items,
        [questions, judgements],
        join(root, 'mt_bench_contaminated_prompts.jsonl'),
        warnings,
      ),
    );
  }

  if (benchmarks.length === 0) {
    throw new Error(
      `no RouteLLM files in ${root} (expected gsm8k_responses.csv, mmlu/mmlu_<subject>.csv, ` +
        'or mt_bench_questions.jsonl with mt_bench_judgements.jsonl)',
    );
  }
  return { directory: root, ...models, benchmarks, warnings };
}

/** `prompt`, a weak-model and a strong-model column of True/False; other columns (answers) ignored. */
function readOutcomeCsv(path: string, group: string, models: RouteLlmModels): RecordedOutcome[] {
  const { source, header, rows, promptColumn } = readRouteLlmTable(path);
  const column = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0)
      throw new Error(
        `${source}: no column "${name}" ` +
          `(columns: ${header.filter((title) => !title.endsWith('_response')).join(', ')})`,
      );
    return index;
  };
  const [weakColumn, strongColumn] = [column(models.weakModel), column(models.strongModel)];
  return rows.map((row, index) => {
    const outcome = (columnIndex: number) => {
      const value = row[columnIndex];
      if (value === 'True') return 1;
      if (value === 'False') return 0;
      throw new Error(
        `${source}: record ${index + 1}, column "${header[columnIndex]}": ` +
          `expected True or False, got ${JSON.stringify(value)}`,
      );
    };
    return { prompt: row[promptColumn] ?? '', group, weak: outcome(weakColumn), strong: outcome(strongColumn) };
  });
}

/** One item per question: its first turn (what a router sees first) and each model's mean score over the turns. */
function readMtBench(
  questionsPath: string,
  judgementsPath: string,
  models: RouteLlmModels,
  warnings: string[],
): RecordedOutcome[] {
  const questions = readJsonl(questionsPath, questionLine);
  const scores = new Map<string, number[]>();
  for (const judgement of readJsonl(judgementsPath, judgementLine)) {
    const key = `${judgement.question_id}\n${judgement.model}`;
    scores.set(key, [...(scores.get(key) ?? []), judgement.score]);
  }
  const mean = (values: number[] | undefined) =>
    values === undefined || values.length === 0
      ? undefined
      : values.reduce((sum, value) => sum + value, 0) / values.length;
  const items: RecordedOutcome[] = [];
  let unjudged = 0;
  for (const question of questions) {
    const weak = mean(scores.get(`${question.question_id}\n${models.weakModel}`));
    const strong = mean(scores.get(`${question.question_id}\n${models.strongModel}`));
    if (weak === undefined || strong === undefined) unjudged += 1;
    else items.push({ prompt: question.turns[0] as string, group: `mt_bench:${question.category}`, weak, strong });
  }
  if (unjudged > 0) warnings.push(`MT-Bench: ${unjudged} question(s) without judgements for both models were skipped`);
  return items;
}

function dropContaminated(
  name: Benchmark['name'],
  metric: Benchmark['metric'],
  items: RecordedOutcome[],
  files: string[],
  contaminatedPath: string,
  warnings: string[],
): Benchmark {
  if (!existsSync(contaminatedPath)) {
    warnings.push(`${name}: no contamination list at ${contaminatedPath}; no prompt was dropped`);
    return { name, metric, items, contaminatedDropped: 0, files };
  }
  // Whitespace is normalised: the lists were exported separately from the response files.
  const contaminated = new Set(
    readJsonl(contaminatedPath, contaminatedLine).map((line) => normalizePrompt(line.eval_prompt)),
  );
  const kept = items.filter((item) => !contaminated.has(normalizePrompt(item.prompt)));
  return {
    name,
    metric,
    items: kept,
    contaminatedDropped: items.length - kept.length,
    files: [...files, contaminatedPath],
  };
}

function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  return readText(path)
    .split('\n')
    .flatMap((line, index) => {
      if (line.trim() === '') return [];
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new Error(`${path}:${index + 1}: not valid JSON (${(error as Error).message})`);
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`${path}:${index + 1}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
      }
      return [parsed.data];
    });
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}
