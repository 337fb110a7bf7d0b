export { createClassifierChain, type ClassifierChainOptions } from './classifier-chain.ts';
export type { ClassifierChain, ExplainedVerdict, RouteExplanation } from './classifier-chain-contract.ts';
export { createKeywordsStrategy, type KeywordsStrategyConfig } from './keywords-strategy.ts';
export { createRulesStrategy, type RulesStrategyConfig } from './rules-strategy.ts';
export { createCentroidStrategy, type CentroidStrategy, type CentroidStrategyOptions } from './centroid-strategy.ts';
export { createTrainedStrategy } from './trained-strategy.ts';
export {
  createLlmBreakers,
  createLlmStrategy,
  createLlmVerdictCache,
  llmDeploymentRef,
  type LlmDeployment,
  type LlmStrategy,
  type LlmStrategyCounters,
  type LlmStrategyOptions,
  type LlmVerdict,
} from './llm/llm-strategy.ts';
export { VerdictCache, type VerdictCacheOptions } from './llm/verdict-cache.ts';
export type { ClassificationStrategy } from './strategy.ts';
export type { StrategyContext } from './strategy-factories.ts';
export type { Embedder } from './embedding/embedder.ts';
export { createHashingEmbedder } from './embedding/hashing-embedder.ts';
export { createOpenAIEmbedder, type OpenAIEmbedderOptions } from './embedding/openai-embedder.ts';
export { createOnnxEmbedder, type OnnxEmbedder, type OnnxEmbedderOptions } from './embedding/onnx-embedder.ts';
export {
  defaultFeatureOptions,
  extractFeatures,
  type FeatureOptions,
  type SparseVector,
} from './embedding/text-features.ts';
export { bundledLabeledSetPath, checkLabeledTiers, readLabeledSet, type LabeledExample } from './labeled-set.ts';
export { logitsInto, normalizeLogits, softmaxInto, type SoftmaxModel } from './trained/softmax-model.ts';
export {
  createTierFeaturizer,
  signalStrategyNames,
  type SignalStrategyName,
  type TierFeaturesConfig,
} from './trained/tier-features.ts';
export {
  parseTierModel,
  readTierModel,
  tierModelFormat,
  writeTierModel,
  type TierModel,
  type TierModelFile,
} from './trained/tier-model-file.ts';
