import { ProviderError } from '@switchyard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type RecordedCall, type TestServer } from '@switchyard/testkit';
import { createOpenAIEmbedder } from './openai-embedder.ts';

/** Embeds each input as [length, number of "a"s, 1]: easy to check, in OpenAI's wire format. */
function embeddingsReply(call: RecordedCall) {
  const { input } = call.body as { input: string[] };
  // Answered out of order on purpose: clients must place vectors by `index`.
  const data = input
    .map((text, index) => ({ object: 'embedding', index, embedding: [text.length, text.split('a').length - 1, 1] }))
    .reverse();
  return { body: { object: 'list', data, model: 'test-embed', usage: { prompt_tokens: 1, total_tokens: 1 } } };
}

describe('createOpenAIEmbedder against a local OpenAI-compatible server', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('posts to /embeddings with the model and key, in batches of 64, and keeps the input order', async () => {
    server = await startTestServer(embeddingsReply);
    const embedder = createOpenAIEmbedder({ baseURL: `${server.baseURL}/`, model: 'test-embed', apiKey: 'sk-test' });
    const texts = Array.from({ length: 70 }, (_, index) => 'a'.repeat(index));
    const vectors = await embedder.embed(texts);
    expect(vectors.map((vector) => vector[1])).toEqual(texts.map((text) => text.length));
    expect(server.calls.map((call) => call.path)).toEqual(['/v1/embeddings', '/v1/embeddings']);
    expect((server.calls[0]?.body as { input: string[] } | undefined)?.input).toHaveLength(64);
    expect(server.calls[0]?.body).toMatchObject({ model: 'test-embed' });
    expect(server.calls[0]?.headers.authorization).toBe('Bearer sk-test');
    expect(embedder.name).toBe('openai:test-embed');
  });

  it('sends no key when none is configured and bounds a 1 MB input', async () => {
    server = await startTestServer(embeddingsReply);
    const [vector] = await createOpenAIEmbedder({ baseURL: server.baseURL, model: 'local' }).embed([
      'b'.repeat(1_000_000),
    ]);
    expect(server.calls[0]?.headers.authorization).toBeUndefined();
    expect(vector?.[0]).toBeLessThan(25_000);
  });

  it('turns HTTP errors, bad JSON, a wrong shape and timeouts into ProviderErrors', async () => {
    const replies = [
      { status: 500, body: { error: { message: 'boom' } } },
      { body: 'not json' },
      { body: { data: [{ index: 0 }] } },
      { body: {}, delayMs: 1_000 },
    ];
    let next = 0;
    server = await startTestServer(() => replies[next++] ?? { body: {} });
    const embedder = createOpenAIEmbedder({ baseURL: server.baseURL, model: 'm', timeoutMs: 200 });
    await expect(embedder.embed(['x'])).rejects.toThrow(/HTTP 500/);
    await expect(embedder.embed(['x'])).rejects.toThrow(/not JSON/);
    await expect(embedder.embed(['x'])).rejects.toThrow(/unexpected shape/);
    const timeout = await embedder.embed(['x']).catch((error: unknown) => error);
    expect(timeout).toBeInstanceOf(ProviderError);
    expect((timeout as ProviderError).retryable).toBe(true);
  });
});
