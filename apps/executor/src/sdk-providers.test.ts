import { startFakeAnthropic, startFakeOpenAI, type FakeProviderServer } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './test-stack.ts';

/**
 * The executor calling real SDKs against local servers that speak the Anthropic and OpenAI wire
 * formats: answers, usage and cost end up on the request record; errors behave as the contract
 * says.
 */
describe('executor with the Anthropic and OpenAI adapters', () => {
  let anthropic: FakeProviderServer;
  let openai: FakeProviderServer;
  let stack: TestStack | undefined;
  beforeAll(async () => {
    [anthropic, openai] = await Promise.all([startFakeAnthropic(), startFakeOpenAI()]);
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    anthropic.setBehaviour({ kind: 'answer' });
    openai.setBehaviour({ kind: 'answer' });
  });
  afterAll(async () => {
    await Promise.all([anthropic.close(), openai.close()]);
  });

  const providers = (overrides: { anthropic?: object; openai?: object } = {}) => ({
    anthropic: { type: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', baseURL: anthropic.baseURL, ...overrides.anthropic },
    openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: openai.baseURL, ...overrides.openai },
  });
  const haiku = { provider: 'anthropic', model: 'claude-haiku-4-5', inputPerMTok: 1, outputPerMTok: 5 };
  const mini = { provider: 'openai', model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6 };

  it('answers on both providers (JSON and streaming) and records usage and cost', async () => {
    stack = await startTestStack('sdk-success', {
      tiers: [
        { name: 'claude', deployments: [haiku] },
        { name: 'gpt', deployments: [mini] },
      ],
      cascade: { enabled: false },
      providers: providers({ openai: { stream: true } }),
    });
    anthropic.script({ kind: 'answer', text: 'Paris is the capital of France.', inputTokens: 1_000, outputTokens: 200 });
    openai.script({ kind: 'answer', text: 'Lima is the capital of Peru.', inputTokens: 2_000, outputTokens: 400 });
    const ids = [await stack.submit('Capital of France?', 'claude'), await stack.submit('Capital of Peru?', 'gpt')];
    const [claude, gpt] = await stack.finished(ids);

    expect(claude).toMatchObject({
      status: 'completed',
      final: { answer: 'Paris is the capital of France.', deployment: { provider: 'anthropic', model: 'claude-haiku-4-5' }, simulated: false, finishReason: 'stop' },
      usage: { inputTokens: 1_000, outputTokens: 200 },
      // 1,000 × $1/M + 200 × $5/M
      costUsd: 0.002,
    });
    expect(gpt).toMatchObject({
      status: 'completed',
      final: { answer: 'Lima is the capital of Peru.', deployment: { provider: 'openai', model: 'gpt-4o-mini' }, simulated: false },
      usage: { inputTokens: 2_000, outputTokens: 400 },
      // 2,000 × $0.15/M + 400 × $0.60/M
      costUsd: 0.00054,
    });
    expect(openai.requests.at(-1)?.stream).toBe(true);
  });

  it('fails a request the provider rejects (400) at once, with its message, without retry or fallback', async () => {
    stack = await startTestStack('sdk-400', { tiers: [{ name: 'only', deployments: [haiku, mini] }], providers: providers() });
    const anthropicBefore = anthropic.requests.length;
    const openaiBefore = openai.requests.length;
    anthropic.setBehaviour({ kind: 'error', status: 400, message: 'messages.0.content: text content blocks must be non-empty' });
    const id = await stack.submit('Say something.');
    const [record] = await stack.finished([id]);

    expect(record?.status).toBe('failed');
    expect(record?.error).toEqual({
      code: 'provider_rejected',
      message: 'anthropic 400 invalid_request_error: messages.0.content: text content blocks must be non-empty',
    });
    expect(anthropic.requests.length - anthropicBefore).toBe(1);
    expect(openai.requests.length - openaiBefore).toBe(0);
    expect(stack.breakers.board.states().anthropic).toBe('closed');
    const job = await stack.runtime.queues.tier('only').getJob(`${id}-t0`);
    expect(job?.attemptsMade).toBe(1);
  });

  it('aborts a call that runs past the breaker timeout, counts it, and answers from the next deployment', async () => {
    stack = await startTestStack('sdk-timeout', {
      tiers: [{ name: 'only', deployments: [haiku, mini] }],
      cascade: { enabled: false },
      providers: providers({ anthropic: { stream: true, breaker: { timeoutMs: 300 } } }),
    });
    const aborts = anthropic.requests.filter((request) => request.aborted).length;
    anthropic.script({ kind: 'hang' });
    const id = await stack.submit('Are you there?');
    const [record] = await stack.finished([id]);
    await anthropic.waitForAborts(aborts + 1);

    expect(record?.status).toBe('completed');
    expect(record?.final?.deployment.provider).toBe('openai');
    expect(record?.attempts[0]?.skipped).toEqual([
      { deployment: { provider: 'anthropic', model: 'claude-haiku-4-5' }, error: 'anthropic timed out after 300 ms (request aborted)' },
    ]);
    expect(stack.breakers.board.stats('anthropic')).toMatchObject({ timeouts: 1, failures: 1 });
  });
});
