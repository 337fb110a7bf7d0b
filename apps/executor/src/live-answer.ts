import { randomUUID } from 'node:crypto';
import { addUsage, attemptCostUsd, roundUsd, type Attempt, type DeploymentRef } from '@switchyard/core';
import type { AnswerInfo, AnswerStreamWriter } from '@switchyard/queue';

/** What `callTier` tells about text arriving from a provider, one deployment call at a time. */
export interface LiveTextSink {
  /** The piece handler for one call of `deployment`. */
  call(deployment: DeploymentRef): (text: string) => void;
  /** The last call failed: whatever it streamed was not an answer. */
  failed(reason: string): void;
}

/**
 * Relays the text of one hop's provider calls to the request's answer stream as it arrives. Only
 * used for a hop whose answer is final whatever the gate says (see the tier processor), so a
 * client never sees an answer that is then replaced by another tier's.
 */
export class LiveAnswer implements LiveTextSink {
  private current: string | undefined;
  private readonly writer: AnswerStreamWriter;
  private readonly tier: string;
  private readonly hop: number;

  constructor(writer: AnswerStreamWriter, tier: string, hop: number) {
    this.writer = writer;
    this.tier = tier;
    this.hop = hop;
  }

  call(deployment: DeploymentRef): (text: string) => void {
    const attempt = `${this.hop}-${randomUUID().slice(0, 8)}`;
    let started = false;
    return (text) => {
      if (!started) {
        started = true;
        this.current = attempt;
        this.writer.write({ type: 'start', attempt, tier: this.tier, ...deployment });
      }
      this.writer.write({ type: 'delta', attempt, text });
    };
  }

  failed(reason: string): void {
    if (this.current !== undefined) this.writer.write({ type: 'abort', attempt: this.current, reason });
    this.current = undefined;
  }

  /** The attempt whose text went out live and answered, if one did. */
  get streamedAttempt(): string | undefined {
    return this.current;
  }
}

/**
 * Ends the answer stream with the served answer: an `end` after text that went out live for it,
 * otherwise the whole `answer` at once.
 */
export function endAnswerStream(
  writer: AnswerStreamWriter,
  served: Attempt,
  attempts: readonly Attempt[],
  live: LiveAnswer | undefined,
): void {
  const info = answerInfo(served, attempts);
  const streamed = live?.streamedAttempt;
  if (streamed !== undefined && served.hop === attempts.at(-1)?.hop) {
    writer.write({ type: 'end', attempt: streamed, info });
  } else {
    writer.write({ type: 'answer', attempt: `${served.hop}-${randomUUID().slice(0, 8)}`, text: served.answer, info });
  }
}

/** Usage and cost of every attempt (what the request cost); the baseline is the served answer's, as on the record. */
function answerInfo(served: Attempt, attempts: readonly Attempt[]): AnswerInfo {
  return {
    tier: served.tier,
    provider: served.deployment.provider,
    model: served.deployment.model,
    hop: served.hop,
    escalations: Math.max(0, attempts.length - 1),
    finishReason: served.finishReason,
    usage: attempts.reduce((total, attempt) => addUsage(total, attempt.usage), { inputTokens: 0, outputTokens: 0 }),
    costUsd: roundUsd(attempts.reduce((sum, attempt) => sum + attemptCostUsd(attempt), 0)),
    baselineCostUsd: roundUsd(served.baselineCostUsd),
    simulated: served.simulated,
  };
}
