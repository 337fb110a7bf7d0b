import { ConfigError, ProviderError } from '@switchyard/core';
import { scriptedSseFetch, sseFrame, startFakeAnthropic, type FakeProviderServer } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicAdapter } from './anthropic-adapter.ts';
import type { GenerateRequest } from '../contract.ts';

const request: GenerateRequest = {
  model: 'claude-haiku-4-5',
  system: 'You are terse.',
  messages: [
    { role: 'user', content: 'What is 2 + 2?' },
    { role: 'assistant', content: '4' },
    { role: 'user', content: 'And 3 + 3?' },
  ],
  maxOutputTokens: 64,
  temperature: 0.2,
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as ProviderError,
  );

describe('anthropic adapter against an Anthropic-compatible server', () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await startFakeAnthropic();
  });
  afterAll(() => server.close());
  beforeEach(() => server.setBehaviour({ kind: 'answer' }));

  for (const stream of [false, true]) {
    it(`maps the request and the answer both ways (${stream ? 'SSE stream' : 'JSON'})`, async () => {
      server.script({ kind: 'answer', text: 'Six.', stopReason: 'max_tokens', inputTokens: 21, outputTokens: 3 });
      const adapter = createAnthropicAdapter({
        name: 'anthropic',
        apiKey: 'test-key',
        baseURL: server.baseURL,
        timeoutMs: 5_000,
        stream,
      });
      const result = await adapter.generate(request);

      expect(result).toEqual({
        text: 'Six.',
        finishReason: 'length',
        usage: { inputTokens: 21, outputTokens: 3 },
        providerResponseId: expect.stringMatching(/^msg_fake_/),
        simulated: false,
      });
      const sent = server.requests.at(-1);
      expect(sent?.stream).toBe(stream);
      expect(sent?.body).toMatchObject({
        model: 'claude-haiku-4-5',
        max_tokens: 64,
        system: 'You are terse.',
        messages: [
          { role: 'user', content: 'What is 2 + 2?' },
          { role: 'assistant', content: '4' },
          { role: 'user', content: 'And 3 + 3?' },
        ],
      });
      // API 2026-10-21 refuses sampling parameters: the fake answers 400 if one is sent.
      expect(sent?.body).not.toHaveProperty('temperature');
      expect(sent?.headers.authorization ?? sent?.headers['x-api-key']).toContain('test-key');
    });
  }

  it('keeps the provider status, message and Retry-After of a 429, and does not retry it itself', async () => {
    server.script({
      kind: 'error',
      status: 429,
      message: 'Number of requests has exceeded your rate limit',
      retryAfterSeconds: 7,
    });
    const before = server.requests.length;
    const adapter = createAnthropicAdapter({
      name: 'anthropic',
      apiKey: 'test-key',
      baseURL: server.baseURL,
      timeoutMs: 5_000,
      stream: false,
    });
    const error = await failure(adapter.generate(request));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      provider: 'anthropic',
      status: 429,
      retryable: true,
      retryAfterMs: 7_000,
      code: 'provider_rate_limited',
    });
    expect(error?.message).toContain('rate_limit_error: Number of requests has exceeded your rate limit');
    expect(server.requests.length - before).toBe(1);
  });

  it('says a 400 cannot succeed on a retry, with the provider message', async () => {
    server.script({ kind: 'error', status: 400, message: 'messages: roles must alternate' });
    const adapter = createAnthropicAdapter({
      name: 'anthropic',
      apiKey: 'test-key',
      baseURL: server.baseURL,
      timeoutMs: 5_000,
      stream: true,
    });
    const error = await failure(adapter.generate(request));
    expect(error).toMatchObject({ status: 400, retryable: false, code: 'provider_rejected' });
    expect(error?.message).toContain('messages: roles must alternate');
  });

  it('maps 529 overloaded and dropped connections (before and during a stream) to retryable errors', async () => {
    const adapter = createAnthropicAdapter({
      name: 'anthropic',
      apiKey: 'test-key',
      baseURL: server.baseURL,
      timeoutMs: 5_000,
      stream: true,
    });
    server.script(
      { kind: 'error', status: 529, message: 'Overloaded' },
      { kind: 'drop' },
      { kind: 'drop', midStream: true },
    );
    expect(await failure(adapter.generate(request))).toMatchObject({
      status: 529,
      retryable: true,
      code: 'provider_unavailable',
    });
    expect(await failure(adapter.generate(request))).toMatchObject({
      status: undefined,
      retryable: true,
      code: 'provider_unavailable',
    });
    expect(await failure(adapter.generate(request))).toMatchObject({ retryable: true });
  });

  it('maps a stream error event by its type: overloaded_error retries, invalid_request_error does not', async () => {
    const started = sseFrame(
      {
        type: 'message_start',
        message: {
          id: 'msg_raw',
          type: 'message',
          role: 'assistant',
          model: 'claude-haiku-4-5',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 5, output_tokens: 1 },
        },
      },
      'message_start',
    );
    for (const [type, retryable] of [
      ['overloaded_error', true],
      ['invalid_request_error', false],
    ] as const) {
      const frames = [started, sseFrame({ type: 'error', error: { type, message: `${type} mid-stream` } }, 'error')];
      const adapter = createAnthropicAdapter({
        name: 'anthropic',
        apiKey: 'test-key',
        timeoutMs: 5_000,
        stream: true,
        fetch: scriptedSseFetch({ frames }),
      });
      const error = await failure(adapter.generate(request));
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ retryable, message: `anthropic ${type} (sent in the stream): ${type} mid-stream` });
    }
  });

  it('aborts the HTTP request when the signal fires, and reports the abort reason', async () => {
    server.script({ kind: 'hang' });
    const aborts = server.requests.filter((sent) => sent.aborted).length;
    const adapter = createAnthropicAdapter({
      name: 'anthropic',
      apiKey: 'test-key',
      baseURL: server.baseURL,
      timeoutMs: 5_000,
      stream: false,
    });
    const controller = new AbortController();
    const pending = failure(adapter.generate(request, { signal: controller.signal }));
    await server.waitForRequests(server.requests.length + 1);
    const reason = new ProviderError('anthropic', 'timed out after 10 ms', { code: 'provider_timeout' });
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await server.waitForAborts(aborts + 1);
  });

  it('uses the SDK timeout as a backstop: a slow answer fails as a timeout', async () => {
    server.script({ kind: 'answer', delayMs: 2_000 });
    const adapter = createAnthropicAdapter({
      name: 'anthropic',
      apiKey: 'test-key',
      baseURL: server.baseURL,
      timeoutMs: 100,
      stream: false,
    });
    expect(await failure(adapter.generate(request))).toMatchObject({ code: 'provider_timeout', retryable: true });
  });

  it('refuses to start without an API key (the SDK would look for credentials elsewhere)', () => {
    expect(() =>
      createAnthropicAdapter({ name: 'anthropic', apiKey: undefined, timeoutMs: 1_000, stream: false }),
    ).toThrow(ConfigError);
  });
});
