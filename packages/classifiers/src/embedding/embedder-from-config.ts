import { ConfigError, type SwitchyardConfig } from '@switchyard/core';
import type { Embedder } from './embedder.ts';
import { createHashingEmbedder } from './hashing-embedder.ts';
import { createOnnxEmbedder } from './onnx-embedder.ts';
import { createOpenAIEmbedder } from './openai-embedder.ts';

/** The embedder `classifier.centroid.embedder` describes; API keys come from `env`, never the file. */
export function embedderFromConfig(
  config: Pick<SwitchyardConfig, 'classifier'>,
  env: Readonly<Record<string, string | undefined>>,
): Embedder {
  const settings = config.classifier.centroid.embedder;
  if (settings.type === 'hashing') return createHashingEmbedder({ dimensions: settings.dimensions });
  if (settings.type === 'onnx') {
    return createOnnxEmbedder({
      directory: settings.path,
      maxTokens: settings.maxTokens,
      where: 'classifier.centroid.embedder.path',
    });
  }
  let apiKey: string | undefined;
  if (settings.apiKeyEnv !== undefined) {
    apiKey = env[settings.apiKeyEnv];
    if (apiKey === undefined || apiKey === '') {
      throw new ConfigError('configuration is invalid:', [
        `classifier.centroid.embedder.apiKeyEnv: environment variable ${settings.apiKeyEnv} is not set`,
      ]);
    }
  }
  return createOpenAIEmbedder({
    baseURL: settings.baseURL,
    model: settings.model,
    apiKey,
    timeoutMs: settings.timeoutMs,
  });
}
