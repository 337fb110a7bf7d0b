export {
  createRedis,
  redactRedisUrl,
  redisAnswers,
  waitForRedis,
  type RedisClient,
  type RedisRole,
} from './redis-connection.ts';
export { KeySpace, ledgerShards } from './key-space.ts';
export { BudgetStore, type BudgetHold, type BudgetSpend, type ReserveOutcome } from './budget-store.ts';
export { cacheKeyOf, ResponseCache, type CachedAnswer } from './response-cache.ts';
export {
  daysBetween,
  emptyTotals,
  groupLedger,
  ledgerGroups,
  maxLedgerDays,
  readLedger,
  type LedgerCell,
  type LedgerGroup,
  type LedgerTotals,
} from './cost-ledger.ts';
export { readTrafficDrift, type TrafficDrift, type TrafficWindow } from './traffic-drift.ts';
export {
  armTotals,
  experimentArms,
  readExperiments,
  type ExperimentArmName,
  type ExperimentArmTotals,
  type ExperimentTotals,
} from './experiment-ledger.ts';
export {
  FeedbackStore,
  qualityMonitor,
  type FeedbackTarget,
  type QualityCell,
  type QualityFigures,
  type StoredFeedback,
} from './feedback-store.ts';
export { RequestStore, type BatchMeta, type NewRequest, type StatusCounts } from './request-store.ts';
export { FileStore, type StoredFile } from './file-store.ts';
export { OpenAIBatchStore, type FinishedCounts, type OpenAIBatchMeta } from './openai-batch-store.ts';
export { CompletionEvents, type CompletionEvent } from './completion-events.ts';
export { QueueSet, createWorker, type WorkerSettings } from './queue-factory.ts';
export {
  connectionErrorReporter,
  redisSecrets,
  reportErrorsOf,
  type ConnectionErrorReporter,
  type ConnectionLogger,
} from './connection-errors.ts';
export { checkEvictionPolicy, type EvictionPolicyCheck } from './eviction-policy.ts';
export { startFinishedJobCleaner, type FinishedJobCleaner } from './finished-job-cleaner.ts';
export {
  decideFailure,
  failRequestsOfFailedJobs,
  parseJobData,
  requestOf,
  runHop,
  StrayJobError,
  type FailureVerdict,
} from './failure-policy.ts';
export { connectQueueRuntime, createQueueRuntime, type QueueRuntime } from './queue-runtime.ts';
export { startHopWorker, type HopWorker, type HopWorkerLogger, type HopWorkerSettings } from './hop-worker.ts';
export { snapshotQueues, snapshotStates } from './queue-snapshot.ts';
export { WorkerHealth, type WorkerHealthSettings } from './worker-health.ts';
export { startWorkerMetricsPort } from './worker-metrics-port.ts';
export {
  AnswerStreamReader,
  AnswerStreamReaders,
  AnswerStreamWriter,
  answerStreamEntrySchema,
  type AnswerInfo,
  type AnswerStreamEntry,
  type AnswerStreamSettings,
} from './answer-stream.ts';
