import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, parseCsv } from '@switchyard/core';

/**
 * One RouteLLM CSV file (`gsm8k_responses.csv`, `mmlu/mmlu_<subject>.csv`): a `prompt` column,
 * per model a True/False outcome column named after the model and, in some files, a
 * `<model>_response` column with its recorded answer. The replay provider and the offline bench
 * both read the files through this, so "the same prompt" means the same thing to both.
 */
export interface RouteLlmTable {
  /** Absolute path of the file, for messages. */
  readonly source: string;
  readonly header: readonly string[];
  /** Data records (the header excluded); record i is line i + 2 of a file without quoted newlines. */
  readonly rows: readonly (readonly string[])[];
  readonly promptColumn: number;
}

/** Reads and parses the file; fails naming the path when it cannot be read or has no `prompt` column. */
export function readRouteLlmTable(path: string): RouteLlmTable {
  const source = resolve(path);
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    throw new ConfigError(`RouteLLM file ${source} cannot be read: ${(error as Error).message}`, [], { cause: error });
  }
  const [header, ...rows] = parseCsv(text, source);
  if (header === undefined) throw new ConfigError(`RouteLLM file ${source} is empty`);
  const promptColumn = header.indexOf('prompt');
  if (promptColumn < 0)
    throw new ConfigError(`RouteLLM file ${source} has no "prompt" column (columns: ${header.join(', ')})`);
  return { source, header, rows, promptColumn };
}
