import type { ChatRequest, ExperimentSubject, RoutingDecision, StrategyVerdict } from '@switchyard/core';

export interface ClassifierChain {
  /**
   * The routing decision of a request. With `subject` (the submitting key and the request id) and
   * experiments configured, the request's arm decides it and is named on the decision; without,
   * the configuration as it is decides (dry runs, evaluations).
   */
  classify(request: ChatRequest, subject?: ExperimentSubject): Promise<RoutingDecision>;
  /**
   * The same decision as `classify` without a subject, plus the verdict of every strategy, also
   * those the chain skipped, except that a strategy calling a model (llm) runs only where the
   * chain runs it.
   */
  explain(request: ChatRequest): Promise<RouteExplanation>;
  /** Resolves once every strategy has finished its start-up I/O; rejects with the first failure. */
  ready(): Promise<void>;
  /** Per strategy that counts events (the llm strategy's invalid answers, failures...). */
  counters(): Record<string, Readonly<Record<string, number>>>;
}

export interface ExplainedVerdict extends StrategyVerdict {
  /** Whether `classify` ran this strategy (false: it ran only for the explanation, or not at all). */
  inChain: boolean;
  /** Not run: outside the chain it would have been a paid model call; `unsure` says so. */
  skipped: boolean;
  durationUs: number;
}

export interface RouteExplanation {
  decision: RoutingDecision;
  /** Every configured strategy, in chain order. */
  strategies: ExplainedVerdict[];
  counters: Record<string, Readonly<Record<string, number>>>;
}
