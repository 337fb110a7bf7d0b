import { ProviderError } from '@switchyard/core';
import type { GenerateRequest, GenerateResult, ProviderAdapter } from '../contract.ts';
import { estimateTokens } from './convert-usage.ts';
import type { ReplayDataset } from './routellm-replay-data.ts';

export interface ReplayAdapterOptions {
  /** Endpoint name from the config's `providers` section. */
  name: string;
  dataset: ReplayDataset;
}

/**
 * Serves the recorded answer a real model gave to a known prompt (`deployment.model` names the
 * model's column in the data set). A prompt the data set does not know fails, never gets an
 * invented answer. Matched on the last user message: the answers were recorded for the bare
 * prompt, so route system prompts are ignored. The files hold no token counts, so usage (and
 * cost) is estimated at 4 characters a token.
 */
export function createReplayAdapter(options: ReplayAdapterOptions): ProviderAdapter {
  const { name, dataset } = options;
  return {
    name,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const prompt = request.messages.findLast((message) => message.role === 'user')?.content ?? '';
      if (!dataset.models.includes(request.model)) {
        throw new ProviderError(
          name,
          `${name}: no recorded answers of model "${request.model}" in ${dataset.source} ` +
            `(models: ${dataset.models.join(', ')})`,
          {
            retryable: false,
            code: 'replay_unknown_model',
          },
        );
      }
      const recorded = dataset.answer(prompt, request.model);
      if (recorded === undefined) {
        throw new ProviderError(
          name,
          `${name}: no recorded answer for this prompt in ${dataset.source}: "${prompt.slice(0, 80)}"`,
          {
            retryable: false,
            code: 'replay_unknown_prompt',
          },
        );
      }
      return {
        text: recorded.text,
        finishReason: 'stop',
        usage: { inputTokens: estimateTokens(prompt), outputTokens: estimateTokens(recorded.text) },
        providerResponseId: `replay:${request.model}:row-${recorded.row}`,
        simulated: false,
      };
    },
  };
}
