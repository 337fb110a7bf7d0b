import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { ConfigError } from '@switchyard/core';

/** What an ONNX sentence-embedding model directory holds, read and checked at start-up. */
export interface OnnxModelDirectory {
  directory: string;
  /** `onnx/model.onnx` (the layout of the models' own repositories) or `model.onnx` (optimum-cli's). */
  modelPath: string;
  tokenizer: Tokenizer;
  /** From config.json when it says: the width every token vector must have. */
  hiddenSize: number | undefined;
  /** From config.json when it says: the longest sequence the model's position table holds. */
  maxPositions: number | undefined;
}

const modelCandidates = ['onnx/model.onnx', 'model.onnx'];

/**
 * Reads `config.json` and `tokenizer.json` (and `tokenizer_config.json` when present) and finds
 * the model file. Each problem is a ConfigError naming the file and `where` (the config field),
 * so a half-copied model directory stops start-up rather than the first request.
 */
export function readOnnxModelDirectory(directory: string, where: string): OnnxModelDirectory {
  const problem = (issue: string, cause?: unknown) =>
    new ConfigError('configuration is invalid:', [`${where}: ${issue}`], { cause });
  if (!existsSync(directory) || !statSync(directory).isDirectory())
    throw problem(`${directory} is not a directory (expected a sentence-transformers model exported to ONNX)`);
  const readJson = (name: string): Record<string, unknown> => {
    const path = join(directory, name);
    if (!existsSync(path)) throw problem(`${path} is missing`);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw problem(`${path} is not valid JSON: ${(error as Error).message}`, error);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw problem(`${path} is not a JSON object`);
    return value as Record<string, unknown>;
  };

  const config = readJson('config.json');
  const tokenizerJson = readJson('tokenizer.json');
  const tokenizerConfig = existsSync(join(directory, 'tokenizer_config.json')) ? readJson('tokenizer_config.json') : {};
  const modelPath = modelCandidates.map((name) => join(directory, name)).find((path) => existsSync(path));
  if (modelPath === undefined)
    throw problem(`${join(directory, modelCandidates[0] as string)} is missing (nor is there ${modelCandidates[1]})`);

  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    tokenizer.encode('start-up check');
  } catch (error) {
    throw problem(`${join(directory, 'tokenizer.json')} cannot be used: ${(error as Error).message}`, error);
  }
  const positiveInteger = (value: unknown) => (Number.isInteger(value) && (value as number) > 0 ? value : undefined);
  return {
    directory,
    modelPath,
    tokenizer,
    hiddenSize: positiveInteger(config.hidden_size) as number | undefined,
    maxPositions: positiveInteger(config.max_position_embeddings) as number | undefined,
  };
}
