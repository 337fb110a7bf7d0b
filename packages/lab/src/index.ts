export {
  evaluateLabeledSet,
  type Candidate,
  type CandidateResult,
  type LabeledEvaluation,
  type LabeledEvaluationOptions,
} from './evaluation/evaluate-labeled-set.ts';
export { tierMetrics, type RoutedExample, type TierClassMetrics, type TierMetrics } from './evaluation/tier-metrics.ts';
export { trainTierModel, type TrainTierModelOptions } from './training/train-tier-model.ts';
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
export {
  developmentSalt,
  splitBuiltIn,
  splitByDirectories,
  type BuiltInSplitOptions,
  type RouteLlmSplit,
} from './routellm/routellm-split.ts';
