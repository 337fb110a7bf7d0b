import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, useFakeProviders, type TestStack } from './test-stack.ts';

/**
 * The executor calling real SDKs against local servers that speak the Anthropic and OpenAI wire
 * formats: answers, usage and cost end up on the request record; errors behave as the contract
 * says.
 */
describe('executor with the Anthropic and OpenAI adapters', () => {
  const fakes = useFakeProviders();
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  const providers = (overrides: { anthropic?: object; openai?: object } = {}) => ({
    anthropic: {
      type: 'anthropic',
      apiKeyEnv: 'ANTHROPIC_API_KEY',
      baseURL: fakes.anthropic.baseURL,
      ...overrides.anthropic,
    },
    openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: fakes.openai.baseURL, ...overrides.openai },
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
    fakes.anthropic.script({
      kind: 'answer',
      text: 'Paris is the capital of France.',
      inputTokens: 1_000,
      outputTokens: 200,
    });
    fakes.openai.script({
      kind: 'answer',
      text: 'Lima is the capital of Peru.',
      inputTokens: 2_000,
      outputTokens: 400,
    });
    const ids = [await stack.submit('Capital of France?', 'claude'), await stack.submit('Capital of Peru?', 'gpt')];
    const [claude, gpt] = await stack.finished(ids);

    expect(claude).toMatchObject({
      status: 'completed',
      final: {
        answer: 'Paris is the capital of France.',
        deployment: { provider: 'anthropic', model: 'claude-haiku-4-5' },
        simulated: false,
        finishReason: 'stop',
      },
      usage: { inputTokens: 1_000, outputTokens: 200 },
      // 1,000 × $1/M + 200 × $5/M
      costUsd: 0.002,
    });
    expect(gpt).toMatchObject({
      status: 'completed',
      final: {
        answer: 'Lima is the capital of Peru.',
        deployment: { provider: 'openai', model: 'gpt-4o-mini' },
        simulated: false,
      },
      usage: { inputTokens: 2_000, outputTokens: 400 },
      // 2,000 × $0.15/M + 400 × $0.60/M
      costUsd: 0.00054,
    });
    expect(fakes.openai.requests.at(-1)?.stream).toBe(true);
  });

  it('fails a request the provider rejects (400) at once, with its message, without retry or fallback', async () => {
    stack = await startTestStack('sdk-400', {
      tiers: [{ name: 'only', deployments: [haiku, mini] }],
      providers: providers(),
    });
    const anthropicBefore = fakes.anthropic.requests.length;
    const openaiBefore = fakes.openai.requests.length;
    fakes.anthropic.setBehaviour({
      kind: 'error',
      status: 400,
      message: 'messages.0.content: text content blocks must be non-empty',
    });
    const id = await stack.submit('Say something.');
    const [record] = await stack.finished([id]);

    expect(record?.status).toBe('failed');
    expect(record?.error).toEqual({
      code: 'provider_rejected',
      message: 'anthropic 400 invalid_request_error: messages.0.content: text content blocks must be non-empty',
    });
    expect(fakes.anthropic.requests.length - anthropicBefore).toBe(1);
    expect(fakes.openai.requests.length - openaiBefore).toBe(0);
    expect(stack.breakers.board.states().anthropic).toBe('closed');
    const job = await stack.runtime.queues.tier('only').getJob(`${id}-t0`);
    expect(job?.attemptsMade).toBe(1);
  });

  it('moves on to the next deployment when one refuses its key (401) or does not know its model (404)', async () => {
    stack = await startTestStack('sdk-401', {
      tiers: [{ name: 'only', deployments: [haiku, mini] }],
      cascade: { enabled: false },
      providers: providers(),
      queue: { attempts: 1 },
    });
    fakes.anthropic.script(
      { kind: 'error', status: 401, message: 'invalid x-api-key' },
      { kind: 'error', status: 404, type: 'not_found_error', message: 'model: claude-haiku-4-5' },
    );
    fakes.openai.script({ kind: 'answer', text: 'OpenAI answers.' }, { kind: 'answer', text: 'OpenAI answers again.' });
    const [revoked, retired] = await stack.finished([
      await stack.submit('First question'),
      await stack.submit('Second question'),
    ]);

    expect(revoked).toMatchObject({
      status: 'completed',
      final: { answer: 'OpenAI answers.', deployment: { provider: 'openai' } },
    });
    expect(revoked?.attempts[0]?.skipped).toEqual([
      {
        deployment: { provider: 'anthropic', model: 'claude-haiku-4-5' },
        error: 'anthropic 401 authentication_error: invalid x-api-key',
      },
    ]);
    expect(retired).toMatchObject({ status: 'completed', final: { answer: 'OpenAI answers again.' } });
    expect(retired?.attempts[0]?.skipped[0]?.error).toBe('anthropic 404 not_found_error: model: claude-haiku-4-5');
    expect(stack.breakers.board.states()).toEqual({ anthropic: 'closed', openai: 'closed' });
  });

  it("fails without retries, with the provider's message, when every deployment refuses its key or model", async () => {
    stack = await startTestStack('sdk-all-refused', {
      tiers: [{ name: 'only', deployments: [haiku, mini] }],
      cascade: { enabled: false },
      providers: providers(),
    });
    const [anthropicBefore, openaiBefore] = [fakes.anthropic.requests.length, fakes.openai.requests.length];
    fakes.anthropic.setBehaviour({ kind: 'error', status: 401, message: 'invalid x-api-key' });
    fakes.openai.setBehaviour({ kind: 'error', status: 404, message: 'The model `gpt-4o-mini` does not exist' });
    const id = await stack.submit('Anyone?');
    const [record] = await stack.finished([id]);

    expect(record?.status).toBe('failed');
    expect(record?.error).toEqual({
      code: 'provider_auth_failed',
      message: 'anthropic 401 authentication_error: invalid x-api-key',
    });
    // Queue attempts: 3, yet one call each: a retryable failure would have been retried before failing the request.
    expect([fakes.anthropic.requests.length - anthropicBefore, fakes.openai.requests.length - openaiBefore]).toEqual([
      1, 1,
    ]);
  });

  it('closing a worker aborts its in-flight provider call; another worker takes the hop and answers once', async () => {
    stack = await startTestStack(
      'sdk-shutdown',
      {
        tiers: [{ name: 'only', deployments: [haiku] }],
        cascade: { enabled: false },
        providers: providers({ anthropic: { breaker: { timeoutMs: 20_000 } } }),
        queue: { attempts: 1 },
      },
      { executors: false },
    );
    const closing = stack.startWorker('only');
    const before = fakes.anthropic.requests.length;
    const aborts = fakes.anthropic.requests.filter((request) => request.aborted).length;
    fakes.anthropic.script(
      { kind: 'answer', text: 'Too late.', delayMs: 20_000 },
      { kind: 'answer', text: 'Answered after the hand-over.' },
    );
    const id = await stack.submit('Still there?');
    await fakes.anthropic.waitForRequests(before + 1);

    const closeStarted = performance.now();
    await closing.close();
    // Without the abort, close() waits for the 20 s answer.
    expect(performance.now() - closeStarted).toBeLessThan(2_000);
    await fakes.anthropic.waitForAborts(aborts + 1);

    stack.startWorker('only');
    const [record] = await stack.finished([id]);
    // Queue attempts: 1, so a hand-over that spent it would have failed the request.
    expect(record).toMatchObject({ status: 'completed', final: { answer: 'Answered after the hand-over.' } });
    expect(record?.attempts).toHaveLength(1);
    expect(fakes.anthropic.requests.length - before).toBe(2);
    expect(stack.breakers.board.stats('anthropic')).toMatchObject({ failures: 0, timeouts: 0 });
    expect(stack.logs.filter((line) => line.msg === 'hop-handed-back')).toHaveLength(1);
    expect(stack.logs.filter((line) => line.msg === 'request-completed')).toHaveLength(1);
  });

  it('aborts a call that runs past the breaker timeout, counts it, and answers from the next deployment', async () => {
    stack = await startTestStack('sdk-timeout', {
      tiers: [{ name: 'only', deployments: [haiku, mini] }],
      cascade: { enabled: false },
      providers: providers({ anthropic: { stream: true, breaker: { timeoutMs: 300 } } }),
    });
    const aborts = fakes.anthropic.requests.filter((request) => request.aborted).length;
    fakes.anthropic.script({ kind: 'hang' });
    const id = await stack.submit('Are you there?');
    const [record] = await stack.finished([id]);
    await fakes.anthropic.waitForAborts(aborts + 1);

    expect(record?.status).toBe('completed');
    expect(record?.final?.deployment.provider).toBe('openai');
    expect(record?.attempts[0]?.skipped).toEqual([
      {
        deployment: { provider: 'anthropic', model: 'claude-haiku-4-5' },
        error: 'anthropic timed out after 300 ms (request aborted)',
      },
    ]);
    expect(stack.breakers.board.stats('anthropic')).toMatchObject({ timeouts: 1, failures: 1 });
  });
});
