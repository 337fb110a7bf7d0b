import { costUsd, roundUsd, type JudgeOutcome, type SwitchyardConfig } from '@switchyard/core';
import type { SwitchyardMetrics } from '@switchyard/observability';
import type { BreakerBoard, ProviderRegistry } from '@switchyard/providers';
import { judgeMessages, parseJudgeScore } from '@switchyard/quality';
import { callTier, deploymentRef } from './call-tier.ts';
import { instrumentDeployments } from './instrumented-deployments.ts';
import { TierUnavailableError } from './tier-unavailable-error.ts';

export interface AnswerJudge {
  /**
   * The judge's score of `answer` to `prompt`. The judge's own failures (no clear score, a
   * provider error, a timeout, every deployment unavailable) come back as an unknown score with
   * the reason; only the hop's own abort (`signal`: the worker is closing) is thrown.
   */
  judge(prompt: string, answer: string, signal?: AbortSignal): Promise<JudgeOutcome>;
}

/** How much of a reply without a clear score the record keeps, to show what the judge said. */
const replyExcerptChars = 80;

/**
 * The quality gate's LLM judge, when `quality.judge` is on: a call through the same provider
 * adapters and breakers as answers (a judge endpoint whose breaker is open is skipped, and its
 * failures count against it), at the judge deployment's prices.
 */
export function createAnswerJudge(
  config: SwitchyardConfig,
  providers: ProviderRegistry,
  breakers: BreakerBoard,
  metrics?: SwitchyardMetrics,
): AnswerJudge | undefined {
  const settings = config.quality.judge;
  if (!settings.enabled) return undefined;
  const label = settings.tier ?? 'judge';
  const resolved =
    settings.tier !== undefined
      ? providers.forTier(settings.tier)
      : settings.deployment === undefined
        ? []
        : [providers.resolve(label, settings.deployment)];
  const deployments = instrumentDeployments(resolved, metrics);

  return {
    async judge(prompt, answer, signal) {
      const { system, user } = judgeMessages({
        prompt,
        answer,
        maxPromptChars: settings.maxPromptChars,
        maxAnswerChars: settings.maxAnswerChars,
      });
      const timeout = AbortSignal.timeout(settings.timeoutMs);
      const callSignal = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
      const started = performance.now();
      const latencyMs = () => Math.round(performance.now() - started);
      const unknown = (reason: string): JudgeOutcome => ({
        score: null,
        usage: { inputTokens: 0, outputTokens: 0 },
        costUsd: 0,
        latencyMs: latencyMs(),
        unknownReason: reason,
      });
      try {
        const call = await callTier(
          label,
          deployments,
          {
            messages: [{ role: 'user', content: user }],
            system,
            temperature: 0,
            maxOutputTokens: settings.maxOutputTokens,
            json: false,
          },
          breakers,
          callSignal,
        );
        const outcome = {
          deployment: deploymentRef(call.deployment),
          usage: call.result.usage,
          costUsd: roundUsd(costUsd(call.deployment.deployment, call.result.usage)),
          latencyMs: call.latencyMs,
        };
        // The simulated provider's text is not a judgement: reading a number out of it would be a guess.
        if (call.result.simulated)
          return { ...outcome, score: null, unknownReason: 'the simulated provider gives no judgements' };
        const score = parseJudgeScore(call.result.text);
        if (score !== undefined) return { ...outcome, score };
        const reply = call.result.text.trim().slice(0, replyExcerptChars);
        return { ...outcome, score: null, unknownReason: `no clear score in the reply "${reply}"` };
      } catch (error) {
        if (signal?.aborted === true) throw error;
        // Tokens of a call given up on are not known: it is recorded at no cost.
        if (timeout.aborted) return unknown(`no reply within ${settings.timeoutMs} ms`);
        if (error instanceof TierUnavailableError) {
          const skipped = error.skipped.map(
            (entry) => `${entry.deployment.provider}/${entry.deployment.model}: ${entry.error}`,
          );
          return unknown(`no judge deployment can answer now: ${skipped.join('; ')}`);
        }
        return unknown(`the judge call failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
