export { startExecutor, type ExecutorOptions, type RunningExecutor } from './executor.ts';
export { bestAttempt, createTierProcessor, type TierOutcome, type TierProcessorDeps } from './tier-processor.ts';
