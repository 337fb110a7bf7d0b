import { startFakeAnthropic, startFakeOpenAI, type FakeProviderServer } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../contract.ts';
import { createAnthropicAdapter } from './anthropic-adapter.ts';
import { createOpenAIAdapter } from './openai-adapter.ts';

const question: GenerateRequest = {
  model: 'claude-haiku-4-5',
  messages: [{ role: 'user', content: 'And 3 + 3?' }],
  maxOutputTokens: 64,
};
const reasoning = 'The user asks for 3 + 3. Adding three to three gives six.';

describe('extended thinking on the Anthropic adapter', () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await startFakeAnthropic();
  });
  afterAll(() => server.close());
  const adapter = (stream: boolean) =>
    createAnthropicAdapter({
      name: 'anthropic',
      apiKey: 'test-key',
      baseURL: server.baseURL,
      timeoutMs: 5_000,
      stream,
    });

  for (const stream of [false, true]) {
    it(`sends the budget on top of the limit; the answer is the text alone (${stream ? 'SSE' : 'JSON'})`, async () => {
      server.script({
        kind: 'answer',
        thinking: reasoning,
        text: 'Six.',
        inputTokens: 12,
        outputTokens: 90,
        thinkingTokens: 85,
      });
      const pieces: string[] = [];
      const result = await adapter(stream).generate(
        { ...question, thinking: { budgetTokens: 2_048, effort: 'low' } },
        stream ? { onText: (piece) => pieces.push(piece) } : {},
      );

      // The fake refuses `max_tokens <= budget_tokens` as the API does: 64 alone would be a 400.
      expect(server.requests.at(-1)?.body).toMatchObject({
        max_tokens: 2_048 + 64,
        thinking: { type: 'enabled', budget_tokens: 2_048 },
      });
      expect(result.text).toBe('Six.');
      expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 90, thinkingTokens: 85 });
      if (stream) {
        expect(server.requests.at(-1)?.stream).toBe(true);
        expect(pieces.join('')).toBe('Six.');
      }
    });
  }

  it('estimates thinking tokens from the thinking text when the usage has no thinking detail', async () => {
    server.script({ kind: 'answer', thinking: reasoning, text: 'Six.', outputTokens: 30 });
    const result = await adapter(false).generate({ ...question, thinking: { budgetTokens: 1_024, effort: 'low' } });
    expect(result.text).toBe('Six.');
    // 57 characters at 4 a token, within the 30 output tokens billed.
    expect(result.usage).toEqual({ inputTokens: expect.any(Number), outputTokens: 30, thinkingTokens: 15 });
  });

  it('sends no thinking field and the plain limit when the tier has no thinking', async () => {
    server.script({ kind: 'answer', text: 'Six.', outputTokens: 2 });
    const result = await adapter(true).generate(question);
    const sent = server.requests.at(-1)?.body;
    expect(sent).not.toHaveProperty('thinking');
    expect(sent).toMatchObject({ max_tokens: 64 });
    expect(result.usage).not.toHaveProperty('thinkingTokens');
  });

  it("answers the API's 400 when the budget is below its minimum (what the config refuses to load)", async () => {
    const error = await adapter(false)
      .generate({ ...question, thinking: { budgetTokens: 512, effort: 'low' } })
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({ status: 400, retryable: false });
  });
});

describe('reasoning effort on the OpenAI adapter', () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await startFakeOpenAI();
  });
  afterAll(() => server.close());
  const adapter = (stream: boolean) =>
    createOpenAIAdapter({
      name: 'openai',
      apiKey: 'test-key',
      timeoutMs: 5_000,
      stream,
      baseURL: server.baseURL,
      maxTokensField: 'max_completion_tokens',
    });

  for (const stream of [false, true]) {
    it(`sends reasoning_effort and reads the reasoning tokens of the usage (${stream ? 'SSE' : 'JSON'})`, async () => {
      server.script({ kind: 'answer', text: 'Six.', inputTokens: 20, outputTokens: 310, thinkingTokens: 300 });
      const result = await adapter(stream).generate({
        ...question,
        model: 'o3',
        thinking: { effort: 'medium', budgetTokens: 8_192 },
      });

      expect(server.requests.at(-1)?.body).toMatchObject({ reasoning_effort: 'medium', max_completion_tokens: 8_256 });
      expect(result.text).toBe('Six.');
      expect(result.usage).toEqual({ inputTokens: 20, outputTokens: 310, thinkingTokens: 300 });
    });
  }

  it('sends no limit without an answer limit, and neither field without thinking', async () => {
    await adapter(false).generate({
      model: 'o3',
      messages: question.messages,
      thinking: { effort: 'high', budgetTokens: 16_384 },
    });
    const unlimited = server.requests.at(-1)?.body;
    expect(unlimited).toMatchObject({ reasoning_effort: 'high' });
    expect(unlimited).not.toHaveProperty('max_completion_tokens');

    server.script({ kind: 'answer', text: 'Six.', outputTokens: 2, thinkingTokens: 0 });
    const result = await adapter(false).generate({ ...question, model: 'gpt-4o-mini' });
    const plain = server.requests.at(-1)?.body;
    expect(plain).not.toHaveProperty('reasoning_effort');
    expect(plain).toMatchObject({ max_completion_tokens: 64 });
    expect(result.usage).toEqual({ inputTokens: expect.any(Number), outputTokens: 2 });
  });
});
