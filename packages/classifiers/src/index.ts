export {
  createClassifierChain,
  type ClassifierChain,
  type ClassifierChainOptions,
  type ExplainedVerdict,
  type RouteExplanation,
} from './classifier-chain.ts';
export { createKeywordsStrategy, type KeywordsStrategyConfig } from './keywords-strategy.ts';
export { createRulesStrategy, type RulesStrategyConfig } from './rules-strategy.ts';
export { createCentroidStrategy, type CentroidStrategy, type CentroidStrategyOptions } from './centroid-strategy.ts';
export { createTrainedStrategy } from './trained-strategy.ts';
export {
  createLlmStrategy,
  llmDeploymentRef,
  type LlmDeployment,
  type LlmStrategy,
  type LlmVerdict,
} from './llm/llm-strategy.ts';
export type { ClassificationStrategy } from './strategy.ts';
export type { StrategyContext } from './strategy-factories.ts';
export type { Embedder } from './embedding/embedder.ts';
export { createHashingEmbedder } from './embedding/hashing-embedder.ts';
export { createOpenAIEmbedder, type OpenAIEmbedderOptions } from './embedding/openai-embedder.ts';
export { bundledLabeledSetPath, checkLabeledTiers, readLabeledSet, type LabeledExample } from './labeled-set.ts';
export { trainTierModel, type TrainTierModelOptions } from './trained/train-tier-model.ts';
export {
  parseTierModel,
  readTierModel,
  writeTierModel,
  type TierModel,
  type TierModelFile,
} from './trained/tier-model-file.ts';
export {
  evaluateLabeledSet,
  type Candidate,
  type CandidateResult,
  type LabeledEvaluation,
  type LabeledEvaluationOptions,
} from './evaluation/evaluate-labeled-set.ts';
export { tierMetrics, type RoutedExample, type TierClassMetrics, type TierMetrics } from './evaluation/tier-metrics.ts';
export {
  loadRouteLlm,
  routeLlmModels,
  type Benchmark,
  type RecordedOutcome,
  type RouteLlmData,
  type RouteLlmModels,
} from './routellm/routellm-data.ts';
export {
  evaluateRouteLlm,
  strongScore,
  type BenchmarkResult,
  type RouteLlmEvaluation,
  type RouteLlmEvaluationOptions,
  type RouterResult,
} from './routellm/routellm-eval.ts';
export { routingCurve, type RoutingCurve } from './routellm/routing-curve.ts';
export { renderCurvesSvg } from './routellm/curves-svg.ts';
