import { ProviderError } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { createSimulatedAdapter, simulatedLabel } from './simulated-adapter.ts';

const base = { name: 'simulated', latencyMs: { min: 0, max: 0 }, weakAnswerRate: 0, failureRate: 0 };
const ask = (content: string) => ({ model: 'sim-1', messages: [{ role: 'user' as const, content }] });

describe('simulated adapter', () => {
  it('labels every answer, is deterministic, and counts tokens', async () => {
    const adapter = createSimulatedAdapter(base);
    const first = await adapter.generate(ask('Explain recursion'));
    const second = await adapter.generate(ask('Explain recursion'));
    expect(first).toEqual(second);
    expect(first.text.startsWith(simulatedLabel)).toBe(true);
    expect(first.simulated).toBe(true);
    expect(first.finishReason).toBe('stop');
    expect(first.usage.inputTokens).toBeGreaterThan(0);
    expect(first.usage.outputTokens).toBeGreaterThan(0);
  });

  it('answers weakly for about the configured share of prompts', async () => {
    const adapter = createSimulatedAdapter({ ...base, weakAnswerRate: 0.3 });
    let weak = 0;
    for (let index = 0; index < 400; index += 1) {
      const result = await adapter.generate(ask(`question number ${index}`));
      if (result.text === '' || result.finishReason === 'length' || result.text.includes("can't help")) weak += 1;
    }
    expect(weak / 400).toBeGreaterThan(0.22);
    expect(weak / 400).toBeLessThan(0.38);
  });

  it('respects maxOutputTokens by truncating', async () => {
    const adapter = createSimulatedAdapter(base);
    const result = await adapter.generate({ ...ask('x'.repeat(3000)), maxOutputTokens: 5 });
    expect(result.finishReason).toBe('length');
    expect(result.usage.outputTokens).toBe(5);
  });

  it('fails with a retryable provider error at the failure rate', async () => {
    const adapter = createSimulatedAdapter({ ...base, failureRate: 1 });
    const error = await adapter.generate(ask('hi')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(true);
    expect((error as ProviderError).status).toBe(503);
  });

  it('stops waiting when the call is aborted', async () => {
    const adapter = createSimulatedAdapter({ ...base, latencyMs: { min: 10_000, max: 10_000 } });
    const controller = new AbortController();
    const pending = adapter.generate(ask('slow'), { signal: controller.signal });
    controller.abort(new Error('timed out'));
    await expect(pending).rejects.toThrow('timed out');
  });
});
