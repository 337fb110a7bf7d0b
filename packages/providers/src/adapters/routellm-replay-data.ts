import { ConfigError, normalizePrompt } from '@switchyard/core';
import { readRouteLlmTable } from './routellm-table.ts';

/** Recorded answers of real models, by prompt. */
export interface ReplayDataset {
  /** Absolute path of the file, for messages. */
  readonly source: string;
  /** Models with recorded answers, e.g. `gpt-4-1106-preview`. */
  readonly models: readonly string[];
  /** Prompts with recorded answers, in file order. */
  readonly prompts: readonly string[];
  /** The answer `model` gave to `prompt`, or undefined when none is recorded. */
  answer(prompt: string, model: string): { text: string; row: number } | undefined;
}

const responseSuffix = '_response';

/**
 * Loads a RouteLLM responses file (`gsm8k_responses.csv`): a `prompt` column and, per model,
 * a `<model>_response` column with its recorded answer. Fails with the path when the file is
 * missing or has no such columns.
 */
export function loadRoutellmResponses(path: string): ReplayDataset {
  const { source, header, rows, promptColumn } = readRouteLlmTable(path);
  const responseColumns = header
    .map((name, column) => ({
      model: name.slice(0, -responseSuffix.length),
      column,
      isResponse: name.endsWith(responseSuffix),
    }))
    .filter((entry) => entry.isResponse && entry.model !== '');
  if (responseColumns.length === 0) {
    throw new ConfigError(`replay data set ${source} needs "<model>_response" columns (found: ${header.join(', ')})`);
  }

  const byPrompt = new Map<string, { row: number; cells: readonly string[] }>();
  const prompts: string[] = [];
  rows.forEach((cells, index) => {
    const prompt = cells[promptColumn];
    if (prompt === undefined || prompt.trim() === '') return;
    const key = normalizePrompt(prompt);
    if (byPrompt.has(key)) return;
    byPrompt.set(key, { row: index + 2, cells });
    prompts.push(prompt);
  });
  const columnOf = new Map(responseColumns.map((entry) => [entry.model, entry.column]));

  return {
    source,
    models: responseColumns.map((entry) => entry.model),
    prompts,
    answer(prompt, model) {
      const column = columnOf.get(model);
      const entry = byPrompt.get(normalizePrompt(prompt));
      if (column === undefined || entry === undefined) return undefined;
      const text = entry.cells[column];
      return text === undefined ? undefined : { text, row: entry.row };
    },
  };
}
