export { createExecutorBreakers, startExecutor, type ExecutorOptions, type ProcessBreakers, type RunningExecutor } from './executor.ts';
export { TierUnavailableError } from './tier-unavailable-error.ts';
export { bestAttempt, createTierProcessor, type TierOutcome, type TierProcessorDeps } from './tier-processor.ts';
