import { ProviderError } from '@switchyard/core';
import { scriptedSseFetch, sseFrame, startFakeOpenAI, type FakeProviderServer } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../contract.ts';
import { createOpenAIAdapter, type OpenAIAdapterOptions } from './openai-adapter.ts';

const request: GenerateRequest = {
  model: 'gpt-4o-mini',
  system: 'You are terse.',
  messages: [{ role: 'user', content: 'Name a prime above 10.' }],
  maxOutputTokens: 32,
  temperature: 0.3,
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as ProviderError,
  );

describe('openai adapter against an OpenAI-compatible server', () => {
  let server: FakeProviderServer;
  let options: OpenAIAdapterOptions;
  beforeAll(async () => {
    server = await startFakeOpenAI();
    options = { name: 'openai', apiKey: 'test-key', baseURL: server.baseURL, timeoutMs: 5_000, stream: false };
  });
  afterAll(() => server.close());

  for (const stream of [false, true]) {
    it(`maps the request and the answer both ways (${stream ? 'SSE stream' : 'JSON'})`, async () => {
      server.script({ kind: 'answer', text: '11', stopReason: 'length', inputTokens: 17, outputTokens: 2 });
      const result = await createOpenAIAdapter({ ...options, stream }).generate(request);

      expect(result).toEqual({
        text: '11',
        finishReason: 'length',
        usage: { inputTokens: 17, outputTokens: 2 },
        providerResponseId: expect.stringMatching(/^chatcmpl-fake/),
        simulated: false,
      });
      const sent = server.requests.at(-1);
      expect(sent?.body).toMatchObject({
        model: 'gpt-4o-mini',
        temperature: 0.3,
        // A baseURL means an OpenAI-compatible server, where `max_tokens` is the field every one knows.
        max_tokens: 32,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Name a prime above 10.' },
        ],
      });
      if (stream) expect(sent?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
      expect(sent?.headers.authorization).toBe('Bearer test-key');
    });
  }

  it('sends max_completion_tokens when configured (OpenAI reasoning models), and json_object mode', async () => {
    await createOpenAIAdapter({ ...options, maxTokensField: 'max_completion_tokens' }).generate({
      ...request,
      json: true,
    });
    const sent = server.requests.at(-1);
    expect(sent?.body).toMatchObject({ max_completion_tokens: 32, response_format: { type: 'json_object' } });
    expect(sent?.body).not.toHaveProperty('max_tokens');
  });

  it('works without an API key (local servers) by sending a placeholder bearer token', async () => {
    const result = await createOpenAIAdapter({ ...options, apiKey: undefined }).generate(request);
    expect(result.text).toContain('Name a prime above 10.');
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer no-key');
  });

  it('keeps status, message and retry-after-ms of a 429; a 401 and a 400 are not retryable', async () => {
    const adapter = createOpenAIAdapter(options);
    server.script(
      { kind: 'error', status: 429, message: 'Rate limit reached for gpt-4o-mini', retryAfterMs: 1_500 },
      { kind: 'error', status: 401, message: 'Incorrect API key provided' },
      { kind: 'error', status: 400, message: "Unsupported parameter: 'max_tokens'" },
    );
    const limited = await failure(adapter.generate(request));
    expect(limited).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1_500, code: 'provider_rate_limited' });
    expect(limited?.message).toContain('Rate limit reached for gpt-4o-mini');
    expect(await failure(adapter.generate(request))).toMatchObject({
      status: 401,
      retryable: false,
      code: 'provider_auth_failed',
    });
    const rejected = await failure(adapter.generate(request));
    expect(rejected).toMatchObject({ status: 400, retryable: false, code: 'provider_rejected' });
    expect(rejected?.message).toContain("Unsupported parameter: 'max_tokens'");
  });

  it('maps 500s, dropped connections and streams cut short to retryable errors', async () => {
    const adapter = createOpenAIAdapter({ ...options, stream: true });
    server.script(
      { kind: 'error', status: 500, message: 'The server had an error' },
      { kind: 'drop' },
      { kind: 'drop', midStream: true },
    );
    expect(await failure(adapter.generate(request))).toMatchObject({
      status: 500,
      retryable: true,
      code: 'provider_unavailable',
    });
    expect(await failure(adapter.generate(request))).toMatchObject({ status: undefined, retryable: true });
    expect(await failure(adapter.generate(request))).toMatchObject({ retryable: true });
  });

  it('aborts the HTTP request when the signal fires', async () => {
    server.script({ kind: 'hang' });
    const aborts = server.requests.filter((sent) => sent.aborted).length;
    const controller = new AbortController();
    const pending = failure(
      createOpenAIAdapter({ ...options, stream: true }).generate(request, { signal: controller.signal }),
    );
    await server.waitForRequests(server.requests.length + 1);
    const reason = new ProviderError('openai', 'timed out', { code: 'provider_timeout' });
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await server.waitForAborts(aborts + 1);
  });

  const chunk = (choices: unknown[]) =>
    sseFrame({ id: 'chatcmpl-raw', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices });

  it('maps an error sent in the stream by its type: server_error retries, invalid_request_error does not', async () => {
    const started = chunk([{ index: 0, delta: { role: 'assistant', content: 'Eleven' }, finish_reason: null }]);
    for (const [type, retryable] of [
      ['server_error', true],
      ['invalid_request_error', false],
    ] as const) {
      const frames = [started, sseFrame({ error: { message: `${type} mid-stream`, type, param: null, code: null } })];
      const error = await failure(
        createOpenAIAdapter({ ...options, stream: true, fetch: scriptedSseFetch({ frames }) }).generate(request),
      );
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ retryable, message: `openai ${type} (sent in the stream): ${type} mid-stream` });
    }
  });

  it('fails with the abort reason when the signal fires mid-stream, even after the finish reason arrived', async () => {
    // The usage chunk never comes; the SDK ends its loop quietly on the abort, leaving what looks
    // like a finished answer.
    const frames = [
      chunk([{ index: 0, delta: { role: 'assistant', content: 'Elev' }, finish_reason: null }]),
      chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]),
    ];
    const controller = new AbortController();
    const reason = new ProviderError('openai', 'worker closing', { code: 'provider_aborted' });
    const fetch = scriptedSseFetch({ frames, onStalled: () => controller.abort(reason) });
    const error = await failure(
      createOpenAIAdapter({ ...options, stream: true, fetch }).generate(request, { signal: controller.signal }),
    );
    expect(error).toBe(reason);
  });
});
