export type { FinishReason, GenerateOptions, GenerateRequest, GenerateResult, ProviderAdapter } from './contract.ts';
export { createSimulatedAdapter, simulatedLabel, type SimulatedAdapterOptions } from './simulated-adapter.ts';
export {
  createProviderRegistry,
  type AdapterFactory,
  type ProviderRegistry,
  type ProviderRegistryOptions,
  type ResolvedDeployment,
} from './provider-registry.ts';
export { defaultAdapterFactories } from './default-factories.ts';
