import { readFileSync } from 'node:fs';
import { ConfigError, parseConfig, parseCsv, ProviderError } from '@switchyard/core';
import { sharedDataPath } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { createProviderRegistry } from '../provider-registry.ts';
import { createReplayAdapter } from './replay-adapter.ts';
import { loadRoutellmResponses } from './routellm-replay-data.ts';

const gsm8k = sharedDataPath('routellm', 'gsm8k_responses.csv');
const weak = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
const strong = 'gpt-4-1106-preview';
const robe =
  'A robe takes 2 bolts of blue fiber and half that much white fiber.  How many bolts in total does it take?';
const ask = (model: string, content: string) => ({
  model,
  system: 'You are a helpful assistant.',
  messages: [{ role: 'user' as const, content }],
});

describe('RouteLLM replay data', () => {
  it("loads every GSM8K prompt with the weak and the strong model's recorded answers", () => {
    const dataset = loadRoutellmResponses(gsm8k);
    expect(dataset.models).toEqual([weak, strong]);
    expect(dataset.prompts).toHaveLength(769);
    expect(dataset.answer(robe, weak)?.text).toMatch(/#### 3\n\n$/);
    expect(dataset.answer(robe, strong)?.text).toMatch(/= 3 bolts\.$/);
  });

  it('fails with the path when the file is missing', () => {
    expect(() => loadRoutellmResponses('/nonexistent/gsm8k_responses.csv')).toThrow(
      /\/nonexistent\/gsm8k_responses\.csv cannot be read/,
    );
  });
});

describe('replay adapter', () => {
  const dataset = loadRoutellmResponses(gsm8k);
  const adapter = createReplayAdapter({ name: 'routellm', dataset });

  it("answers a known prompt with the recorded answer of the deployment's model, byte for byte", async () => {
    const csv = parseCsv(readFileSync(gsm8k, 'utf8'), gsm8k);
    const row = csv.find((cells) => cells[0] === robe);
    const weakAnswer = await adapter.generate(ask(weak, robe));
    const strongAnswer = await adapter.generate(ask(strong, `  ${robe.replace('  ', ' ')}\n`));

    expect(weakAnswer).toMatchObject({
      text: row?.[3],
      finishReason: 'stop',
      simulated: false,
      providerResponseId: `replay:${weak}:row-3`,
    });
    expect(strongAnswer.text).toBe(row?.[4]);
    expect(strongAnswer.usage.inputTokens).toBeGreaterThan(0);
    expect(strongAnswer.usage.outputTokens).toBe(Math.ceil((row?.[4] ?? '').length / 4));
  });

  it('refuses a prompt it has no answer for, instead of inventing one', async () => {
    const error = await adapter
      .generate(ask(weak, 'What is the capital of France?'))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ retryable: false, code: 'replay_unknown_prompt' });
  });

  it('is a configuration error when a deployment names a model the data set does not have', () => {
    const config = parseConfig({
      tiers: [
        { name: 'only', deployments: [{ provider: 'routellm', model: 'gpt-5', inputPerMTok: 1, outputPerMTok: 1 }] },
      ],
      routes: [{ name: 'general' }],
      classifier: { defaultTier: 'only' },
      providers: { routellm: { type: 'replay', dataset: gsm8k } },
    });
    expect(() => createProviderRegistry(config, { env: {} })).toThrow(ConfigError);
    expect(() => createProviderRegistry(config, { env: {} })).toThrow(
      /^tiers\[0\]\.deployments\[0\]\.model: "gpt-5" has no recorded answers/,
    );
  });

  it('serves replay deployments from the registry without any API key', async () => {
    const config = parseConfig({
      tiers: [
        { name: 'only', deployments: [{ provider: 'routellm', model: strong, inputPerMTok: 10, outputPerMTok: 30 }] },
      ],
      routes: [{ name: 'general' }],
      classifier: { defaultTier: 'only' },
      providers: { routellm: { type: 'replay', dataset: gsm8k } },
    });
    const registry = createProviderRegistry(config, { env: {} });
    const [resolved] = registry.forTier('only');
    expect(resolved?.simulated).toBe(false);
    expect(registry.simulatedEndpoints).toEqual([]);
    expect((await resolved?.adapter.generate(ask(strong, robe)))?.text).toMatch(/= 3 bolts\.$/);
  });
});
