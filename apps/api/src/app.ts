import { createClassifierChain, type ClassifierChain } from '@switchyard/classifiers';
import { TierLadder, type SwitchyardConfig } from '@switchyard/core';
import { createMetricsRegistry, SwitchyardMetrics, type Logger } from '@switchyard/observability';
import { BudgetStore, FileStore, OpenAIBatchStore, snapshotQueues, type QueueRuntime } from '@switchyard/queue';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { ApiError, sendError } from './api-errors.ts';
import { BudgetGate } from './budget-gate.ts';
import { watchDrift } from './drift-watch.ts';
import { installAuth } from './auth/index.ts';
import { installRateLimit } from './auth/rate-limit.ts';
import type { ApiContext } from './api-context.ts';
import { type AdminPagesOptions, registerAdminPages } from './admin/admin-pages.ts';
import { registerChatRoutes } from './chat/chat-routes.ts';
import { registerDocsRoutes } from './docs/docs-routes.ts';
import { registerFileRoutes } from './files/file-routes.ts';
import { registerOpenAIBatchRoutes } from './files/openai-batch-routes.ts';
import { registerFeedbackRoutes } from './routes/feedback-routes.ts';
import { registerBatchRoutes } from './routes/batch-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerMetricsRoutes } from './routes/metrics-routes.ts';
import { registerRequestRoutes } from './routes/request-routes.ts';
import { registerRouteRoutes } from './routes/route-routes.ts';
import { registerStatsRoutes } from './routes/stats-routes.ts';
import { SubmissionService, unavailable } from './submission.ts';

export interface AppOptions {
  config: SwitchyardConfig;
  runtime: QueueRuntime;
  logger: Logger;
  /** The chain `POST /v1/route` explains; default: `createClassifierChain(config)`. */
  classifier?: ClassifierChain;
  /** The process's metrics when several roles share one process; default: the API's own. */
  metrics?: SwitchyardMetrics;
  /** Bull Board, the dashboard and their login; absent: those pages are not served at all. */
  adminPages?: AdminPagesOptions;
}

/** A subscription that takes longer means Redis is not really there: answer 503 rather than hang. */
const subscribeTimeoutMs = 2_000;

/** Builds the HTTP app without listening, so tests can drive it with `app.inject()`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, runtime, logger } = options;
  const ladder = new TierLadder(config);
  const budgets = new BudgetGate(config, ladder, new BudgetStore(runtime.redis, runtime.keys), logger);
  const metrics = options.metrics ?? new SwitchyardMetrics(createMetricsRegistry());
  metrics.watchQueues(() => snapshotQueues(runtime.queues.all()));
  const context: ApiContext = {
    config,
    ladder,
    runtime,
    logger,
    metrics,
    classifier: options.classifier ?? createClassifierChain(config),
    submissions: new SubmissionService(runtime, ladder, budgets),
    budgets,
    files: new FileStore(runtime.redis, runtime.keys),
    openAIBatches: new OpenAIBatchStore(runtime.redis, runtime.keys, config.queue.retentionSeconds),
    requestLimits: { maxRequestBytes: config.api.bodyLimitBytes, maxMessages: config.api.maxMessages },
    openStreams: new Set(),
    async completionEvents() {
      if (runtime.redis.status !== 'ready') throw unavailable();
      const events = runtime.events();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unavailable()), subscribeTimeoutMs);
      });
      try {
        await Promise.race([events.start(), late]);
      } finally {
        clearTimeout(timer);
      }
      return events;
    },
    async waitForCompletion(requestId, timeoutMs) {
      const events = await context.completionEvents();
      let stop = () => {};
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        const unsubscribe = events.onRequest(requestId, () => resolve());
        stop = () => {
          clearTimeout(timer);
          unsubscribe();
        };
      });
      return { done, stop };
    },
  };

  // pino's Logger is what Fastify wraps; its type is stricter than FastifyBaseLogger's.
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.api.bodyLimitBytes,
    // One log line per HTTP request would drown the workers' lines during a 10,000-request batch.
    logController: new LogController({ disableRequestLogging: true }),
    // Errors Fastify raises before a route runs (a malformed URL, say) get our error shape too.
    frameworkErrors: (error, _request, reply) => sendError(reply, new ApiError('bad_request', error.message)),
    // Receiving a request is bounded (slow-body and slow-header clients); waiting for the answer is not.
    requestTimeout: config.api.requestTimeoutMs,
    keepAliveTimeout: config.api.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.api.headersTimeoutMs,
      // Node looks for expired requests this often (its default, 30 s, would let a 10 s timeout run to 40 s).
      connectionsCheckingInterval: Math.min(1_000, config.api.headersTimeoutMs),
    },
    // A request that is not even valid HTTP, or that came in too slowly, has no route and no reply
    // object: answer on the socket.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      const responseStarted = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
      if (!socket.writable || responseStarted === true) {
        socket.destroy();
        return;
      }
      const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const apiError = timedOut
        ? new ApiError(
            'request_timeout',
            `the request was not received within ${config.api.requestTimeoutMs} ms ` +
              `(headers within ${config.api.headersTimeoutMs} ms)`,
          )
        : new ApiError('bad_request', `malformed HTTP request: ${error.message}`);
      const body = JSON.stringify(apiError.toBody());
      const head = [
        `HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}`,
        'content-type: application/json',
        `content-length: ${Buffer.byteLength(body)}`,
        'connection: close',
      ];
      socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    },
  });
  // Only JSON is accepted: without this, Fastify's built-in text/plain parser would turn a 415 into a 400.
  app.removeContentTypeParser('text/plain');
  // Open event streams would keep `close()` (and so SIGTERM) waiting for their clients.
  app.addHook('preClose', async () => {
    for (const end of context.openStreams) end();
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return sendError(reply, error);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const isBatch = request.routeOptions.config?.url === '/v1/batches';
      const limit = isBatch ? config.api.batchBodyLimitBytes : config.api.bodyLimitBytes;
      return sendError(reply, new ApiError('payload_too_large', `the body is larger than the limit of ${limit} bytes`));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const sent = request.headers['content-type'] ?? '(none)';
      const wanted = request.url.startsWith('/v1/files') ? 'multipart/form-data' : 'application/json';
      return sendError(
        reply,
        new ApiError('unsupported_media_type', `content type "${sent}" is not supported; send ${wanted}`),
      );
    }
    if (
      error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
      error instanceof SyntaxError
    ) {
      return sendError(reply, new ApiError('invalid_json', `the body is not valid JSON: ${error.message}`));
    }
    if (runtime.redis.status !== 'ready') return sendError(reply, unavailable());
    // Any other error Fastify marks as the client's (a body shorter than its Content-Length, an
    // aborted upload) is a 400, not a server fault.
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      logger.debug({ err: error, url: request.url }, 'client-error');
      return sendError(reply, new ApiError('bad_request', error.message));
    }
    logger.error({ err: error, url: request.url }, 'unhandled-error');
    return sendError(reply, new ApiError('internal_error', error.message));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new ApiError('not_found', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );

  installAuth(app, config);
  installRateLimit(app, config, runtime.redis, runtime.keys);
  registerHealthRoutes(app, context);
  registerMetricsRoutes(app, context);
  registerDocsRoutes(app, context);
  registerRequestRoutes(app, context);
  registerRouteRoutes(app, context);
  registerBatchRoutes(app, context);
  registerOpenAIBatchRoutes(app, context);
  await registerFileRoutes(app, context);
  if (options.adminPages !== undefined) await registerAdminPages(app, context, options.adminPages);
  registerChatRoutes(app, context);
  registerStatsRoutes(app, context);
  registerFeedbackRoutes(app, context);
  watchDrift(app, context);
  return app;
}
