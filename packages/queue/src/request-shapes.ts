import type { ChatRequest, RoutingDecision } from '@switchyard/core';
import type { BudgetHold } from './budget-store.ts';

/** What `RequestStore.create` writes for a new request. */
export interface NewRequest {
  id: string;
  request: ChatRequest;
  /** The submitting API key's id; `local` when absent. */
  keyId?: string;
  batchId?: string;
  customId?: string;
  idempotencyKey?: string;
  /** Classified already (the API's sync path): the record starts `routed`, with this decision. */
  decision?: RoutingDecision;
  /** The executor writes the answer to the request's answer stream. */
  answerStream?: boolean;
  /** The budget reservation it holds until it finishes (settled by the finishing step). */
  budgetHold?: BudgetHold;
  /** The highest tier a key over its budget (`cap`) may use. */
  budgetMaxTier?: string;
  /** Hash of what the client sent with an idempotency key: a repeat with another body is refused. */
  bodyHash?: string;
}

export interface BatchMeta {
  id: string;
  total: number;
  createdAt: string;
  /** The submitting API key's id; `local` when absent. */
  keyId?: string;
  idempotencyKey?: string;
  /** Hash of what the client sent with an idempotency key. */
  bodyHash?: string;
  /**
   * True from the batch's creation until every job is queued. A batch found in this state later
   * (its API process died mid-submission) is finished by whoever reads it: see `SubmissionService`.
   */
  accepting?: boolean;
}
