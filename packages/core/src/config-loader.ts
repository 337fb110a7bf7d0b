import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type SwitchyardConfig } from './config-schema.ts';
import { ConfigError } from './errors.ts';

/** The configuration that ships with Switchyard: three tiers, four routes. */
export const defaultConfigPath = fileURLToPath(new URL('../config/default.yaml', import.meta.url));

/** `tiers[1].deployments[0].model: required` style lines, one per issue. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/** Validates an already-parsed document. */
export function parseConfig(document: unknown, source = 'configuration'): SwitchyardConfig {
  const result = configSchema.safeParse(document);
  if (!result.success) throw new ConfigError(`${source} is invalid:`, formatIssues(result.error.issues));
  return result.data;
}

/**
 * The document in a file Switchyard is configured with (`what` names it in errors: `config file`,
 * `tier model`), parsed as YAML (which JSON is too) or strictly as JSON; a missing or unparsable
 * file is a `ConfigError` naming the file.
 */
export function readDocumentFile(path: string, what: string, format: 'yaml' | 'json' = 'yaml'): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(error as Error).message}`, [], { cause: error });
  }
  try {
    return format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const expected = format === 'json' ? 'JSON' : 'YAML or JSON';
    throw new ConfigError(`${what} ${path} is not valid ${expected}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
}

/** Reads a YAML or JSON file (JSON is YAML) and validates it. */
export function loadConfig(path: string = defaultConfigPath): SwitchyardConfig {
  return resolveClassifierPaths(
    parseConfig(readDocumentFile(path, 'config file'), `config file ${path}`),
    dirname(resolve(path)),
  );
}

/**
 * The classifier's files (model, examples, embedding model) are named relative to the config file, so a config
 * and the model trained for it move together and work from any working directory.
 */
function resolveClassifierPaths(config: SwitchyardConfig, directory: string): SwitchyardConfig {
  const { centroid, trained } = config.classifier;
  return {
    ...config,
    classifier: {
      ...config.classifier,
      centroid: {
        ...centroid,
        ...(centroid.examplesPath === undefined ? {} : { examplesPath: resolve(directory, centroid.examplesPath) }),
        embedder:
          centroid.embedder.type === 'onnx'
            ? { ...centroid.embedder, path: resolve(directory, centroid.embedder.path) }
            : centroid.embedder,
      },
      trained:
        trained.modelPath === undefined ? trained : { ...trained, modelPath: resolve(directory, trained.modelPath) },
    },
  };
}
