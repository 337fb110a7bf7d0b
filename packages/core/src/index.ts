export { ConfigError, MalformedJobError, ProviderError, SwitchyardError, isRetryableStatus } from './errors.ts';
export { errorCodes, type ErrorCode } from './error-codes.ts';
export {
  apiKeySchema,
  configSchema,
  type ApiKeyConfig,
  type BudgetConfig,
  type DeploymentConfig,
  type ProviderConfig,
  type RouteConfig,
  type StrategyName,
  type SwitchyardConfig,
  type TierConfig,
} from './config-schema.ts';
export { feedbackSchema, judgeSchema, type FeedbackConfig, type JudgeConfig } from './quality-config.ts';
export {
  effortForBudget,
  minThinkingBudgetTokens,
  mostThinkingTokens,
  resolveThinking,
  thinkingEfforts,
  thinkingOutputLimit,
  thinkingSchema,
  type ThinkingConfig,
  type ThinkingEffort,
  type ThinkingSetting,
} from './thinking-config.ts';
export { experimentSchema, type ExperimentConfig } from './experiment-config.ts';
export {
  assignExperiment,
  configuredStrategies,
  experimentBucket,
  qualityThresholdOf,
  variantChangesStrategies,
  variantConfig,
  type ExperimentSubject,
} from './experiments.ts';
export {
  defaultConfigPath,
  formatIssues,
  formatPath,
  loadConfig,
  parseConfig,
  readDocumentFile,
} from './config-loader.ts';
export { parseJsonOrUndefined } from './parse-json-or-undefined.ts';
export { TierLadder } from './tier-ladder.ts';
export { applyBudgetCap } from './budget-cap.ts';
export { addUsage, costUsd, roundUsd, type TokenUsage } from './pricing.ts';
export { chatMessageSchema, chatRequestSchema, promptOf, type ChatMessage, type ChatRequest } from './chat-request.ts';
export {
  batchFileId,
  classifyJobId,
  clientKeyPattern,
  newBatchId,
  newFileId,
  newRequestId,
  parseBatchFileId,
  requestIdPattern,
  tierJobId,
} from './ids.ts';
export {
  attemptCostUsd,
  openModeKeyId,
  terminalStatuses,
  type Attempt,
  type JudgeOutcome,
  type DeploymentRef,
  type ExperimentArm,
  type FinalAnswer,
  type RequestError,
  type RequestRecord,
  type RequestStatus,
  type RoutingDecision,
  type StrategyVerdict,
  cacheProvider,
} from './request-record.ts';
export {
  attemptSummarySchema,
  classifyJobSchema,
  classifyQueueName,
  defaultJobOptions,
  firstTierJob,
  jobCatalog,
  tierJobSchema,
  tierQueueName,
  type AttemptSummary,
  type ClassifyJob,
  type TierJob,
} from './job-catalog.ts';
export { parseRedisAddress, type RedisAddress, type RedisNodeAddress } from './redis-address.ts';
export { readEnvironment, type Environment } from './environment.ts';
export { parseCsv } from './csv.ts';
export { stableHash, stableUnit } from './stable-hash.ts';
export { hashApiKey, newApiKey } from './api-key.ts';
