export { buildApp, type AppOptions } from './app.ts';
export { ApiError, apiErrorCodes, type ApiErrorCode } from './api-errors.ts';
export { apiListeningLine, runApiProcess, startApi, type RunningApi } from './main.ts';
