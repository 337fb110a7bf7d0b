export {
  createExecutorBreakers,
  startExecutor,
  type ExecutorOptions,
  type ProcessBreakers,
  type RunningExecutor,
} from './executor.ts';
export { TierUnavailableError } from './tier-unavailable-error.ts';
export { createTierProcessor, type TierOutcome, type TierProcessorDeps } from './tier-processor.ts';
export {
  executorsRunningLine,
  runExecutorProcess,
  selectTiers,
  startExecutors,
  type RunningExecutors,
} from './main.ts';
