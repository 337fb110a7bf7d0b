import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessStack, type InProcessStack } from '../support/in-process-stack.ts';

describe('the response cache on /v1/chat/completions', () => {
  let stack: InProcessStack;
  beforeAll(async () => {
    stack = await startInProcessStack('chat-cache', (config) => {
      config.cache = { ...config.cache, enabled: true, ttlSeconds: 60 };
    });
  });
  afterAll(() => stack.close());

  const complete = (content: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
    stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers,
      payload: { model: 'auto', messages: [{ role: 'user', content }], ...extra },
    });

  it('says miss, then hit for the same prompt, with the same answer at no cost', async () => {
    const first = await complete('What is the capital of Chile?');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-switchyard-cache']).toBe('miss');
    const second = await complete('What is the capital of Chile?');
    expect(second.statusCode).toBe(200);
    expect(second.headers['x-switchyard-cache']).toBe('hit');
    expect(second.headers['x-switchyard-cost-usd']).toBe('0');
    expect(second.json().choices[0].message.content).toBe(first.json().choices[0].message.content);
  });

  it('a streamed hit says so in its headers too', async () => {
    await complete('Name a colour of the rainbow.');
    const streamed = await complete('Name a colour of the rainbow.', {}, { stream: true });
    expect(streamed.statusCode).toBe(200);
    expect(streamed.headers['x-switchyard-cache']).toBe('hit');
    expect(streamed.body).toContain('data: [DONE]');
  });

  it('the header x-switchyard-cache: bypass, or "cache": false in the body, opts out', async () => {
    await complete('How many legs has a spider?');
    const byHeader = await complete('How many legs has a spider?', { 'x-switchyard-cache': 'bypass' });
    expect(byHeader.headers['x-switchyard-cache']).toBe('miss');
    expect(Number(byHeader.headers['x-switchyard-cost-usd'])).toBeGreaterThan(0);
    const byBody = await complete('How many legs has a spider?', {}, { cache: false });
    expect(byBody.headers['x-switchyard-cache']).toBe('miss');
  });
});
