import { createAnthropicAdapter } from './adapters/anthropic-adapter.ts';
import { createOpenAIAdapter } from './adapters/openai-adapter.ts';
import type { AdapterFactory } from './provider-registry.ts';

/**
 * Adapters of the hosted providers, by provider type, through the official SDKs. The SDK's own
 * timeout is the provider's `timeoutMs`; the breaker's (`breaker.timeoutMs`) usually cuts first.
 */
export const defaultAdapterFactories: Partial<Record<'anthropic' | 'openai', AdapterFactory>> = {
  anthropic: ({ name, config, apiKey }) =>
    createAnthropicAdapter({
      name,
      apiKey,
      baseURL: config.baseURL,
      timeoutMs: config.timeoutMs,
      stream: config.stream,
    }),
  openai: ({ name, config, apiKey }) =>
    createOpenAIAdapter({
      name,
      apiKey,
      baseURL: config.baseURL,
      timeoutMs: config.timeoutMs,
      stream: config.stream,
      maxTokensField: config.maxTokensField,
    }),
};
