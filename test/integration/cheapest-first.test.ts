import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcessStack, type InProcessStack } from '../support/in-process-stack.ts';

describe('a cheapest-first route', () => {
  let stack: InProcessStack;
  beforeAll(async () => {
    stack = await startInProcessStack('cheapest-first', (config) => {
      // The general route climbs from the bottom; every answer of the simple tier fails the gate.
      config.routes = config.routes.map((route) =>
        route.name === 'general' ? { ...route, cascadeMode: 'cheapest-first' } : route,
      );
      config.simulation = { latencyMs: { min: 1, max: 5 }, weakAnswerRate: { simple: 1 }, failureRate: 0 };
    });
  });
  afterAll(() => stack.close());

  it('starts a prompt the classifier calls complex on the cheapest tier and climbs on the gate', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: { model: 'auto', messages: [{ role: 'user', content: 'Prove that there are infinitely many primes.' }] },
    });
    expect(response.statusCode).toBe(200);
    const id = response.headers['x-switchyard-request-id'] as string;
    const record = await stack.runtime.store.get(id);
    expect(record?.decision).toMatchObject({ tier: 'simple', strategy: 'cheapest-first', route: 'general' });
    expect(record?.attempts.map((attempt) => attempt.tier)).toEqual(['simple', 'medium']);
    expect(response.headers['x-switchyard-tier']).toBe('medium');
    expect(response.headers['x-switchyard-escalations']).toBe('1');
  });

  it('leaves a route in classify mode where its classification put it', async () => {
    const response = await stack.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: {
        model: 'auto',
        messages: [{ role: 'user', content: 'Fix this TypeScript compile error in my React component.' }],
      },
    });
    expect(response.statusCode).toBe(200);
    const record = await stack.runtime.store.get(response.headers['x-switchyard-request-id'] as string);
    expect(record?.decision?.route).toBe('code');
    expect(record?.decision?.strategy).not.toBe('cheapest-first');
  });
});
