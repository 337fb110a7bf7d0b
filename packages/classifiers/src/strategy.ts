import type { StrategyName, StrategyVerdict } from '@switchyard/core';

/**
 * One way of deciding a prompt's tier and route. Strategies are pure with respect to the
 * request: everything they need (keywords, patterns, models) is given at construction.
 */
export interface ClassificationStrategy {
  readonly name: StrategyName;
  classify(prompt: string): StrategyVerdict | Promise<StrategyVerdict>;
  /** Finishes start-up work that needs I/O (embedding the centroid examples with a remote embedder). */
  prepare?(): Promise<void>;
  /** Event counts worth watching (e.g. the llm strategy's invalid answers). */
  readonly counters?: Readonly<Record<string, number>>;
  /**
   * Each verdict is a paid model call (the llm strategy). `explain` runs such a strategy only
   * where the chain itself does, so a dry run never costs more than the request would.
   */
  readonly callsModel?: boolean;
}
