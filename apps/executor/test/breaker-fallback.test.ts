import type { BreakerState, BreakerTransition } from '@switchyard/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, useFakeProviders, type TestStack } from './test-stack.ts';

const haiku = { provider: 'anthropic', model: 'claude-haiku-4-5', inputPerMTok: 1, outputPerMTok: 5 };
const mini = { provider: 'openai', model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6 };
const opus = { provider: 'anthropic', model: 'claude-opus-4-1', inputPerMTok: 15, outputPerMTok: 75 };
const breaker = { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 800, timeoutMs: 5_000 };

function transition(stack: TestStack, endpoint: string, state: BreakerState): Promise<BreakerTransition> {
  return new Promise((resolve) => {
    const stop = stack.breakers.board.onTransition((change) => {
      if (change.endpoint !== endpoint || change.state !== state) return;
      stop();
      resolve(change);
    });
  });
}

describe('breakers, fallback, cool-downs and waiting in the executor', () => {
  const fakes = useFakeProviders();
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  const start = (label: string, document: Record<string, unknown>) =>
    startTestStack(label, {
      cascade: { enabled: false },
      providers: {
        anthropic: { type: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', baseURL: fakes.anthropic.baseURL, breaker },
        openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: fakes.openai.baseURL, stream: true, breaker },
      },
      ...document,
    });

  it('a burst of 500s opens the breaker, traffic moves to the other provider, and one probe closes it', async () => {
    stack = await start('burst', {
      tiers: [{ name: 'only', deployments: [haiku, mini] }],
      queue: { executorConcurrency: 1 },
    });
    fakes.anthropic.setBehaviour({ kind: 'error', status: 500, message: 'Internal server error' });
    const opened = transition(stack, 'anthropic', 'open');
    const burst = [await stack.submit('one'), await stack.submit('two')];
    await opened;
    const duringOutage = [await stack.submit('three'), await stack.submit('four'), await stack.submit('five')];
    const records = await stack.finished([...burst, ...duringOutage]);
    const callsWhileOpen = fakes.anthropic.requests.length;

    expect(
      records.every((record) => record.status === 'completed' && record.final?.deployment.provider === 'openai'),
    ).toBe(true);
    // The burst failed over after calling Anthropic; later requests skipped it without a call.
    expect(records[0]?.attempts[0]?.skipped[0]?.error).toBe('anthropic 500 api_error: Internal server error');
    expect(records[4]?.attempts[0]?.skipped[0]?.error).toMatch(/^anthropic breaker open until /);
    expect(stack.logs.find((line) => line.msg === 'breaker-open')).toMatchObject({
      provider: 'anthropic',
      source: 'local',
      failures: 2,
    });

    fakes.anthropic.setBehaviour({ kind: 'answer', text: 'Anthropic is back.' });
    await transition(stack, 'anthropic', 'half-open');
    const closed = transition(stack, 'anthropic', 'closed');
    const afterReset = await stack.submit('six');
    await closed;
    const [recovered] = await stack.finished([afterReset]);
    expect(recovered?.final).toMatchObject({ answer: 'Anthropic is back.', deployment: { provider: 'anthropic' } });
    expect(fakes.anthropic.requests.length - callsWhileOpen).toBe(1);
    expect(stack.logs.filter((line) => line.msg === 'breaker-probe')).toHaveLength(1);
  });

  it('honours a 429 Retry-After: the deployment cools down, the job waits for it instead of failing', async () => {
    stack = await start('retry-after', { tiers: [{ name: 'only', deployments: [haiku] }], queue: { attempts: 1 } });
    fakes.anthropic.script({
      kind: 'error',
      status: 429,
      message: 'Number of request tokens has exceeded your per-minute rate limit',
      retryAfterMs: 500,
    });
    const before = fakes.anthropic.requests.length;
    const id = await stack.submit('Rate limited question');
    const [record] = await stack.finished([id]);

    const [limited, retried] = fakes.anthropic.requests.slice(before);
    expect(record?.status).toBe('completed');
    expect((retried?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBeGreaterThanOrEqual(500);
    expect(record?.attempts[0]?.skipped[0]?.error).toMatch(
      /^tier unavailable, job delayed 1 time\(s\) over \d+ ms: anthropic 429 rate_limit_error/,
    );
    expect(stack.logs.find((line) => line.msg === 'deployment-cooling-down')).toMatchObject({
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
    });
  });

  it('every deployment down: jobs wait without spending attempts; all complete once a provider is back', async () => {
    stack = await start('all-down', {
      tiers: [{ name: 'only', deployments: [haiku, mini] }],
      queue: { attempts: 1, executorConcurrency: 4 },
    });
    fakes.anthropic.setBehaviour({ kind: 'error', status: 503, message: 'Service Unavailable' });
    fakes.openai.setBehaviour({ kind: 'drop' });
    const bothOpen = Promise.all([transition(stack, 'anthropic', 'open'), transition(stack, 'openai', 'open')]);
    // Two requests meet the outage with closed breakers: they spend their one attempt and open both.
    const tripping = [await stack.submit('trip one'), await stack.submit('trip two')];
    await bothOpen;
    const ids: string[] = [];
    for (let index = 0; index < 12; index += 1) ids.push(await stack.submit(`question ${index}`));
    fakes.openai.setBehaviour({ kind: 'answer', text: 'OpenAI is back.' });
    const records = await stack.finished(ids);
    await stack.finished(tripping);

    // With one attempt per job, a wait counted as an attempt would have failed these requests.
    expect(records.filter((record) => record.status !== 'completed')).toEqual([]);
    expect(records.every((record) => record.final?.answer === 'OpenAI is back.')).toBe(true);
    for (const record of records)
      expect(record.attempts[0]?.skipped[0]?.error).toMatch(
        /^tier unavailable, job delayed \d+ time\(s\) over \d+ ms: /,
      );
    const jobs = await Promise.all(ids.map((id) => stack?.runtime.queues.tier('only').getJob(`${id}-t0`)));
    expect(jobs.map((job) => job?.attemptsMade)).toEqual(ids.map(() => 1));
    expect(stack.logs.filter((line) => line.msg === 'tier-unavailable-delayed').length).toBeGreaterThanOrEqual(
      ids.length,
    );
  });

  it('after the configured wait, an unavailable tier escalates to the next one and the record says why', async () => {
    stack = await start('escalate', {
      tiers: [
        { name: 'cheap', deployments: [mini] },
        { name: 'top', deployments: [opus] },
      ],
      cascade: { enabled: false, unavailableWaitMs: 300, onUnavailable: 'escalate' },
    });
    fakes.openai.setBehaviour({ kind: 'error', status: 503, message: 'Service Unavailable' });
    fakes.anthropic.setBehaviour({ kind: 'answer', text: 'Answered by the top tier.' });
    const opened = transition(stack, 'openai', 'open');
    const ids = [await stack.submit('first', 'cheap'), await stack.submit('second', 'cheap')];
    await opened;
    const records = await stack.finished(ids);

    for (const record of records) {
      expect(record.status).toBe('completed');
      expect(record.final).toMatchObject({ tier: 'top', answer: 'Answered by the top tier.' });
    }
    const passedOver = records
      .flatMap((record) => record.attempts)
      .find((attempt) => attempt.finishReason === 'unavailable');
    expect(passedOver?.escalationReason).toMatch(/^tier cheap unavailable for \d+ ms/);
    expect(passedOver?.costUsd).toBe(0);
  });

  it('passing an unavailable tier over is an escalation: with maxEscalations used up, the request fails', async () => {
    stack = await start('escalations-used-up', {
      tiers: [
        { name: 'cheap', deployments: [mini] },
        { name: 'top', deployments: [opus] },
      ],
      cascade: { enabled: false, unavailableWaitMs: 200, onUnavailable: 'escalate', maxEscalations: 0 },
      queue: { attempts: 1 },
    });
    fakes.openai.script({ kind: 'error', status: 429, message: 'Rate limit reached', retryAfterSeconds: 30 });
    const topCalls = fakes.anthropic.requests.length;
    const [record] = await stack.finished([await stack.submit('never escalated', 'cheap')]);

    expect(record).toMatchObject({ status: 'failed', error: { code: 'tier_unavailable' } });
    expect(record?.attempts.filter((attempt) => attempt.tier === 'top')).toEqual([]);
    expect(fakes.anthropic.requests.length).toBe(topCalls);
  });

  it('a deployment skipped only for its cool-down is waited for: the next one failing spends no attempt', async () => {
    stack = await start('skipped-not-failed', {
      tiers: [{ name: 'only', deployments: [haiku, mini] }],
      queue: { attempts: 1 },
    });
    // The first request puts Haiku in a cool-down and is answered by OpenAI.
    fakes.anthropic.script({
      kind: 'error',
      status: 429,
      message: 'Number of requests has exceeded your rate limit',
      retryAfterMs: 600,
    });
    const [first] = await stack.finished([await stack.submit('first')]);
    expect(first?.final?.deployment.provider).toBe('openai');

    // The second finds Haiku cooling down (not called) and OpenAI failing: Haiku is only a wait away.
    fakes.openai.script({ kind: 'error', status: 500, message: 'The server had an error' });
    fakes.anthropic.script({ kind: 'answer', text: 'Haiku, after its cool-down.' });
    const id = await stack.submit('second');
    const [record] = await stack.finished([id]);

    expect(record).toMatchObject({ status: 'completed', final: { answer: 'Haiku, after its cool-down.' } });
    const delayedOnce = String.raw`^tier unavailable, job delayed 1 time\(s\) over \d+ ms: `;
    expect(record?.attempts[0]?.skipped.map((entry) => entry.error)).toEqual([
      expect.stringMatching(new RegExp(`${delayedOnce}anthropic breaker|${delayedOnce}cooling down until`)),
      expect.stringMatching(
        /^tier unavailable, job delayed 1 time\(s\) over \d+ ms: openai 500 server_error: The server had an error$/,
      ),
    ]);
    // With one attempt allowed, a wait that spent it would have failed the request.
    expect(stack.logs.filter((line) => line.msg === 'job-failed')).toEqual([]);
  });

  it('a wait ends once a provider was called: after a retry, a new outage gets the whole wait again', async () => {
    stack = await start('fresh-wait', {
      tiers: [{ name: 'only', deployments: [mini] }],
      cascade: { enabled: false, unavailableWaitMs: 1_000, onUnavailable: 'fail' },
      queue: { attempts: 2, backoffMs: 200 },
    });
    fakes.openai.script(
      // Outage one: a cool-down of 900 ms of the 1 s wait.
      { kind: 'error', status: 429, message: 'Rate limit reached', retryAfterMs: 900 },
      // Called, and failing: BullMQ's retry (200 ms later) takes over, past the first wait's end.
      { kind: 'error', status: 500, message: 'The server had an error' },
      // Outage two, short: the retry must wait it out, not give up on the first outage's clock.
      { kind: 'error', status: 429, message: 'Rate limit reached', retryAfterMs: 300 },
      { kind: 'answer', text: 'Finally.' },
    );
    const id = await stack.submit('patience');
    const [record] = await stack.finished([id]);

    expect(record).toMatchObject({ status: 'completed', final: { answer: 'Finally.' } });
    expect(record?.attempts[0]?.skipped[0]?.error).toMatch(
      /^tier unavailable, job delayed 1 time\(s\) over \d+ ms: openai 429 /,
    );
    expect(stack.logs.filter((line) => line.msg === 'job-failed')).toHaveLength(1);
    expect(stack.logs.filter((line) => line.msg === 'tier-unavailable-delayed')).toHaveLength(2);
  });

  it('after the configured wait, onUnavailable: fail fails the request with the reasons', async () => {
    stack = await start('fail', {
      tiers: [{ name: 'only', deployments: [mini] }],
      cascade: { enabled: false, unavailableWaitMs: 200, onUnavailable: 'fail' },
      queue: { attempts: 1 },
    });
    fakes.openai.setBehaviour({ kind: 'error', status: 429, message: 'Rate limit reached', retryAfterSeconds: 30 });
    const id = await stack.submit('never answered');
    const [record] = await stack.finished([id]);
    expect(record?.status).toBe('failed');
    expect(record?.error?.code).toBe('tier_unavailable');
    expect(record?.error?.message).toMatch(
      /^tier only unavailable for \d+ ms .*openai\/gpt-4o-mini: cooling down until/,
    );
  });
});
