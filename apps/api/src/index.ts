export { buildApp, type AppOptions } from './app.ts';
export { ApiError, apiErrorCodes, type ApiErrorCode } from './api-errors.ts';
export { createKeyCheck, mayRead, planListen, requireAdmin, type ListenPlan, type Principal } from './auth/index.ts';
export { apiListeningLine, runApiProcess, startApi, type RunningApi } from './main.ts';
export type { ArmStats, ExperimentStats } from './routes/experiment-stats.ts';
