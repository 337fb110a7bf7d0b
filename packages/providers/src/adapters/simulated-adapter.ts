import { ProviderError, stableHash, stableUnit } from '@switchyard/core';
import type { GenerateOptions, GenerateRequest, GenerateResult, ProviderAdapter } from '../contract.ts';

export interface SimulatedAdapterOptions {
  /** Endpoint name, normally `simulated` or the real provider it stands in for. */
  name: string;
  latencyMs: { min: number; max: number };
  /** Share of prompts answered weakly (empty, refusal or truncated), decided per prompt and model. */
  weakAnswerRate: number;
  /** Share of calls failing with a retryable 503, drawn at random: outages are not per prompt. */
  failureRate: number;
  random?: () => number;
}

/** Every simulated answer starts with this, so nobody mistakes it for a model's words. */
export const simulatedLabel = '[simulated answer — no model was called]';

const estimateTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/**
 * Deterministic stand-in for a model, for demos, tests and load tests without API keys.
 * The same prompt and model always give the same answer, latency and weakness.
 */
export function createSimulatedAdapter(options: SimulatedAdapterOptions): ProviderAdapter {
  const random = options.random ?? Math.random;
  return {
    name: options.name,
    async generate(request: GenerateRequest, generateOptions: GenerateOptions = {}): Promise<GenerateResult> {
      const prompt = request.messages.map((message) => message.content).join('\n');
      const key = `${request.model}\n${request.system ?? ''}\n${prompt}`;
      const seed = stableHash(key);
      const { min, max } = options.latencyMs;
      await sleep(min + (seed % (max - min + 1)), generateOptions.signal);
      if (random() < options.failureRate) {
        throw new ProviderError(options.name, 'simulated outage: 503 Service Unavailable', { status: 503 });
      }
      const inputTokens = estimateTokens(prompt) + estimateTokens(request.system ?? '');
      const weakness = stableUnit(`weak\n${key}`);
      const result =
        weakness < options.weakAnswerRate
          ? weakAnswer(seed, inputTokens, request)
          : fullAnswer(strongAnswer(prompt, request.model, seed, request.json === true), inputTokens, request);
      if (generateOptions.onText !== undefined) for (const piece of pieces(result.text)) generateOptions.onText(piece);
      return result;
    },
  };
}

function fullAnswer(body: string, inputTokens: number, request: GenerateRequest): GenerateResult {
  const stopAt = Math.min(...(request.stop ?? []).map((sequence) => body.indexOf(sequence)).filter((at) => at >= 0));
  const text = Number.isFinite(stopAt) ? body.slice(0, stopAt) : body;
  const limit = request.maxOutputTokens;
  if (limit !== undefined && estimateTokens(text) > limit) {
    return {
      text: text.slice(0, limit * 4),
      finishReason: 'length',
      usage: { inputTokens, outputTokens: limit },
      simulated: true,
    };
  }
  return { text, finishReason: 'stop', usage: { inputTokens, outputTokens: estimateTokens(text) }, simulated: true };
}

/** Streamed answers come in word-sized pieces, as a model's tokens would (each keeps its leading space). */
function pieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

function strongAnswer(prompt: string, model: string, seed: number, json: boolean): string {
  const topic = prompt.replace(/\s+/g, ' ').trim().slice(0, 80);
  if (json) return JSON.stringify({ simulated: true, model, answer: `Simulated answer about: ${topic}` });
  // Longer prompts get longer answers, as they do from real models.
  const sentences = 2 + (seed % 4) + Math.min(12, Math.floor(prompt.length / 200));
  const lines = [`${simulatedLabel} Model ${model} would answer: "${topic}".`];
  for (let index = 1; index < sentences; index += 1) {
    lines.push(
      `Point ${index}: a deterministic placeholder sentence standing in for the model's reasoning ` +
        `(seed ${(seed >>> index) % 997}).`,
    );
  }
  return lines.join(' ');
}

function weakAnswer(seed: number, inputTokens: number, request: GenerateRequest): GenerateResult {
  const kind = seed % 3;
  if (kind === 0) return { text: '', finishReason: 'stop', usage: { inputTokens, outputTokens: 1 }, simulated: true };
  if (kind === 1) {
    const text = `${simulatedLabel} I'm sorry, but I can't help with that request.`;
    return { text, finishReason: 'stop', usage: { inputTokens, outputTokens: estimateTokens(text) }, simulated: true };
  }
  const text = `${simulatedLabel} Model ${request.model} started an answer but ran out of`;
  return { text, finishReason: 'length', usage: { inputTokens, outputTokens: estimateTokens(text) }, simulated: true };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal | undefined): Error {
  return signal?.reason instanceof Error ? signal.reason : new Error('aborted');
}
