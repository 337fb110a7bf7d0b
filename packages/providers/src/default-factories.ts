import type { AdapterFactory } from './provider-registry.ts';

/**
 * Adapters of the hosted providers, by provider type. The official-SDK adapters register here;
 * a type without an entry cannot be used with a key set (the registry says so at start-up).
 */
export const defaultAdapterFactories: Partial<Record<'anthropic' | 'openai', AdapterFactory>> = {};
