import type { ClassifierChain } from '@switchyard/classifiers';
import type { SwitchyardConfig, TierLadder } from '@switchyard/core';
import type { Logger, SwitchyardMetrics } from '@switchyard/observability';
import type { CompletionEvents, FileStore, OpenAIBatchStore, QueueRuntime } from '@switchyard/queue';
import type { RequestLimits } from './request-validation.ts';
import type { BudgetGate } from './budget-gate.ts';
import type { SubmissionService } from './submission.ts';

/** What the route plugins share. */
export interface ApiContext {
  config: SwitchyardConfig;
  ladder: TierLadder;
  runtime: QueueRuntime;
  submissions: SubmissionService;
  budgets: BudgetGate;
  /** Uploaded files (`POST /v1/files`). */
  files: FileStore;
  /** What batches created from files hold in OpenAI's terms, and each key's list of them. */
  openAIBatches: OpenAIBatchStore;
  /** Per-request limits, the same on every endpoint that takes requests and for every batch item. */
  requestLimits: RequestLimits;
  logger: Logger;
  /** The process's metrics, served at `/metrics`; queue depths are read from Redis at each scrape. */
  metrics: SwitchyardMetrics;
  /** Built once per app: `POST /v1/route` explains its decisions. */
  classifier: ClassifierChain;
  /**
   * The process's completion events, subscribed. Fails with a 503 (`redis_unavailable`) instead of
   * waiting when Redis is away or the subscription does not come up within 2 s.
   */
  completionEvents(): Promise<CompletionEvents>;
  /** Ends every open event stream; called when the server closes, so shutdown is not held open. */
  readonly openStreams: Set<() => void>;
  /**
   * Listens for the request's completion. The listener is registered when this resolves, so a
   * record read afterwards cannot miss the event; `done` resolves on completion or after
   * `timeoutMs`, and `stop` removes the listener.
   */
  waitForCompletion(requestId: string, timeoutMs: number): Promise<{ done: Promise<void>; stop: () => void }>;
}
