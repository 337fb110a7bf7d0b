export type { FinishReason, GenerateOptions, GenerateRequest, GenerateResult, ProviderAdapter } from './contract.ts';
export { createSimulatedAdapter, simulatedLabel, type SimulatedAdapterOptions } from './adapters/simulated-adapter.ts';
export { createAnthropicAdapter, type AnthropicAdapterOptions } from './adapters/anthropic-adapter.ts';
export { createOpenAIAdapter, type OpenAIAdapterOptions } from './adapters/openai-adapter.ts';
export {
  createProviderRegistry,
  type AdapterFactory,
  type ProviderRegistry,
  type ProviderRegistryOptions,
  type ResolvedDeployment,
} from './provider-registry.ts';
export { defaultAdapterFactories } from './default-factories.ts';
export {
  BreakerBoard,
  type Availability,
  type BoardLogger,
  type BreakerBoardOptions,
  type DeploymentCooldown,
} from './breakers/breaker-board.ts';
export type { BreakerState, BreakerTransition } from './breakers/endpoint-breaker.ts';
export { DeploymentUnavailableError, type UnavailableReason } from './breakers/deployment-unavailable-error.ts';
export type { BreakerMessage, BreakerSync } from './breakers/breaker-sync.ts';
export { createRedisBreakerSync, type RedisBreakerSyncOptions } from './breakers/redis-breaker-sync.ts';
export { createReplayAdapter, type ReplayAdapterOptions } from './adapters/replay-adapter.ts';
export { loadRoutellmResponses, type ReplayDataset } from './adapters/routellm-replay-data.ts';
export { readRouteLlmTable, type RouteLlmTable } from './adapters/routellm-table.ts';
