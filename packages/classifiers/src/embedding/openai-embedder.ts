import { ProviderError } from '@switchyard/core';
import { z } from 'zod';
import { boundedText } from '../bounded-text.ts';
import type { Embedder } from './embedder.ts';

export interface OpenAIEmbedderOptions {
  /** Up to and including `/v1`, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`. */
  baseURL: string;
  model: string;
  /** Sent as a bearer token; local servers usually need none. */
  apiKey?: string | undefined;
  timeoutMs?: number;
  /** Injectable for tests; the global fetch by default. */
  fetch?: typeof fetch;
}

/** An embedder behind HTTP: always asynchronous. */
export interface RemoteEmbedder extends Embedder {
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
});

/**
 * Inputs per HTTP call. Hosted APIs accept up to 2,048; 64 keeps one call small enough for local
 * servers (llama.cpp, Ollama) that embed a batch in one pass.
 */
const batchSize = 64;

/** Any server that speaks OpenAI's `POST /embeddings`: hosted APIs, vLLM, Ollama, llama.cpp, LM Studio. */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): RemoteEmbedder {
  const url = `${options.baseURL.replace(/\/+$/, '')}/embeddings`;
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const provider = `embeddings ${url}`;

  async function embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers,
        // The same bounded window as the other strategies: a 1 MB prompt would exceed every
        // embedding model's context (8,192 tokens for OpenAI's) and fail the call.
        body: JSON.stringify({ model: options.model, input: texts.map((text) => boundedText(text)) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ProviderError(provider, `embeddings request failed: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok)
      throw new ProviderError(
        provider,
        `embeddings request failed with HTTP ${response.status}: ${text.slice(0, 300)}`,
        { status: response.status },
      );
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new ProviderError(provider, `embeddings answer is not JSON: ${text.slice(0, 120)}`, {
        retryable: false,
        cause: error,
      });
    }
    const parsed = responseSchema.safeParse(body);
    if (!parsed.success)
      throw new ProviderError(
        provider,
        `embeddings answer has an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
        { retryable: false },
      );
    const vectors = new Array<Float32Array | undefined>(texts.length);
    for (const item of parsed.data.data)
      if (item.index < texts.length) vectors[item.index] = Float32Array.from(item.embedding);
    return vectors.map((vector, index) => {
      if (vector === undefined)
        throw new ProviderError(provider, `embeddings answer lacks input ${index}`, { retryable: false });
      return vector;
    });
  }

  return {
    name: `openai:${options.model}`,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize)
        vectors.push(...(await embedBatch(texts.slice(start, start + batchSize))));
      return vectors;
    },
  };
}
