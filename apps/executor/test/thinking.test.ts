import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, useFakeProviders, type TestStack } from './test-stack.ts';

/**
 * Thinking budgets from the config reach the provider calls through the real executor and SDKs,
 * and thinking tokens end up on the attempt, counted once in the cost.
 */
describe('executor with thinking budgets per tier and route', () => {
  const fakes = useFakeProviders();
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  const providers = () => ({
    anthropic: { type: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', baseURL: fakes.anthropic.baseURL, stream: true },
    openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: fakes.openai.baseURL },
  });
  const haiku = { provider: 'anthropic', model: 'claude-haiku-4-5', inputPerMTok: 1, outputPerMTok: 5 };
  const o3 = { provider: 'openai', model: 'o3', inputPerMTok: 2, outputPerMTok: 8, maxOutputTokens: 1_000 };

  it('sends each tier its own setting, answers with the text alone and costs thinking once, as output', async () => {
    stack = await startTestStack('thinking-tiers', {
      tiers: [
        { name: 'plain', deployments: [haiku] },
        { name: 'claude', deployments: [haiku], thinking: { budgetTokens: 2_048 } },
        { name: 'gpt', deployments: [o3], thinking: { effort: 'high' } },
      ],
      cascade: { enabled: false },
      providers: providers(),
    });
    const before = { anthropic: fakes.anthropic.requests.length, openai: fakes.openai.requests.length };
    fakes.anthropic.script(
      { kind: 'answer', text: 'Paris.', inputTokens: 100, outputTokens: 4 },
      {
        kind: 'answer',
        thinking: 'France: its capital is Paris.',
        text: 'Paris is the capital of France.',
        inputTokens: 1_000,
        outputTokens: 3_000,
        thinkingTokens: 2_500,
      },
    );
    fakes.openai.script({
      kind: 'answer',
      text: 'Lima is the capital of Peru.',
      inputTokens: 2_000,
      outputTokens: 5_000,
      thinkingTokens: 4_800,
    });
    const plainId = await stack.submit('Capital of France, briefly?', 'plain');
    await stack.finished([plainId]);
    const ids = [await stack.submit('Capital of France?', 'claude'), await stack.submit('Capital of Peru?', 'gpt')];
    const [plain, claude, gpt] = await stack.finished([plainId, ...ids]);

    const [plainSent, claudeSent] = fakes.anthropic.requests.slice(before.anthropic).map((request) => request.body);
    expect(plainSent).not.toHaveProperty('thinking');
    expect(plainSent).toMatchObject({ max_tokens: 4_096 });
    expect(claudeSent).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2_048 },
      max_tokens: 2_048 + 4_096,
    });
    // `high` stands for 16,384 thinking tokens, added to the deployment's 1,000-token answer limit.
    expect(fakes.openai.requests.slice(before.openai).map((request) => request.body)).toMatchObject([
      { reasoning_effort: 'high', max_tokens: 17_384 },
    ]);

    expect(plain?.attempts[0]?.usage).toEqual({ inputTokens: 100, outputTokens: 4 });
    expect(claude).toMatchObject({
      status: 'completed',
      final: { answer: 'Paris is the capital of France.' },
      usage: { inputTokens: 1_000, outputTokens: 3_000, thinkingTokens: 2_500 },
      // 1,000 × $1/M + 3,000 × $5/M: the 2,500 thinking tokens are part of the 3,000.
      costUsd: 0.016,
    });
    expect(claude?.attempts[0]).toMatchObject({
      answer: 'Paris is the capital of France.',
      usage: { inputTokens: 1_000, outputTokens: 3_000, thinkingTokens: 2_500 },
      costUsd: 0.016,
    });
    expect(gpt).toMatchObject({
      final: { answer: 'Lima is the capital of Peru.' },
      // 2,000 × $2/M + 5,000 × $8/M
      costUsd: 0.044,
    });
    expect(gpt?.attempts[0]?.usage).toEqual({ inputTokens: 2_000, outputTokens: 5_000, thinkingTokens: 4_800 });
  });

  it("uses the route's setting over the tier's", async () => {
    stack = await startTestStack('thinking-route', {
      tiers: [{ name: 'claude', deployments: [haiku], thinking: { budgetTokens: 2_048 } }],
      routes: [{ name: 'general', thinking: { budgetTokens: 5_000 } }],
      cascade: { enabled: false },
      providers: providers(),
    });
    const before = fakes.anthropic.requests.length;
    const [record] = await stack.finished([await stack.submit('Why is the sky blue?')]);
    expect(record?.status).toBe('completed');
    expect(fakes.anthropic.requests.slice(before).map((request) => request.body)).toMatchObject([
      { thinking: { type: 'enabled', budget_tokens: 5_000 }, max_tokens: 9_096 },
    ]);
  });
});
