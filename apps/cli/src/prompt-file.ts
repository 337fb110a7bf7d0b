import { readFileSync } from 'node:fs';

export interface BatchItem {
  custom_id?: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  [field: string]: unknown;
}

/**
 * Reads a batch file: JSONL (one object a line) or a JSON array. Each item is a chat request
 * (`messages`, ...) or a shorthand `{ "prompt": "..." }`; `custom_id` is kept. Errors name the
 * file and line.
 */
export function readBatchFile(path: string): BatchItem[] {
  let text: string;
  try {
    // Editors on some systems start UTF-8 files with a byte-order mark; JSON.parse rejects it.
    text = readFileSync(path, 'utf8').replace(/^\ufeff/, '');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const trimmed = text.trimStart();
  const entries: { where: string; value: unknown }[] = [];
  if (trimmed.startsWith('[')) {
    const parsed = parseJson(text, path);
    if (!Array.isArray(parsed)) throw new Error(`${path}: expected a JSON array`);
    parsed.forEach((value, index) => {
      entries.push({ where: `${path}[${index}]`, value });
    });
  } else {
    text.split('\n').forEach((line, index) => {
      if (line.trim() !== '')
        entries.push({ where: `${path}:${index + 1}`, value: parseJson(line, `${path}:${index + 1}`) });
    });
  }
  if (entries.length === 0) throw new Error(`${path}: no requests in the file`);
  return entries.map(({ where, value }) => toItem(value, where));
}

function toItem(value: unknown, where: string): BatchItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where}: expected a JSON object`);
  const { prompt, ...rest } = value as Record<string, unknown>;
  if (prompt === undefined) {
    if (!Array.isArray(rest.messages)) throw new Error(`${where}: needs "prompt" (a string) or "messages" (an array)`);
    return rest as BatchItem;
  }
  if (typeof prompt !== 'string') throw new Error(`${where}: "prompt" must be a string`);
  return { ...rest, messages: [{ role: 'user', content: prompt }] };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not valid JSON (${(error as Error).message})`);
  }
}
