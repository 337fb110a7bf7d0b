import type { RequestRecord } from '@switchyard/core';
import { judgeMessages } from '@switchyard/quality';
import { FeedbackStore, groupLedger, qualityMonitor, readLedger } from '@switchyard/queue';
import type { FakeReply, RecordedRequest } from '@switchyard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestStack, useFakeProviders, type TestStack } from './test-stack.ts';

const mini = { provider: 'openai', model: 'mini', inputPerMTok: 0.15, outputPerMTok: 0.6 };
const big = { provider: 'openai', model: 'big', inputPerMTok: 2.5, outputPerMTok: 10 };
const judgeDeployment = { provider: 'openai', model: 'judge-nano', inputPerMTok: 1, outputPerMTok: 2 };
// 400 × $1/M + 10 × $2/M
const judgeCallUsd = 0.00042;
const prompt = 'Why is the sky blue?';

type JudgeReply = (answer: string) => FakeReply;

/**
 * The quality gate's LLM judge, a deployment of its own on a local OpenAI-wire server: its score
 * decides with the heuristics, its cost lands on the record and in the ledger, and its scores in
 * the quality monitor. Answers on `cheap` start "Cheap:", on `strong` "Strong:", so a judge can
 * tell them apart.
 */
describe('the LLM judge in the quality gate', () => {
  const fakes = useFakeProviders();
  let stack: TestStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function run(label: string, judgeReply: JudgeReply, judge: object = {}): Promise<RequestRecord> {
    stack = await startTestStack(label, {
      tiers: [
        { name: 'cheap', deployments: [mini] },
        { name: 'strong', deployments: [big] },
      ],
      providers: { openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: fakes.openai.baseURL } },
      quality: { judge: { enabled: true, deployment: judgeDeployment, ...judge } },
    });
    fakes.openai.setBehaviour((request: RecordedRequest) => {
      if (request.body.model === judgeDeployment.model) return judgeReply(userMessage(request));
      const text = request.body.model === mini.model ? 'Cheap: light scatters.' : 'Strong: Rayleigh scattering.';
      return { kind: 'answer', text, inputTokens: 1_000, outputTokens: 100 };
    });
    const [record] = await stack.finished([await stack.submit(prompt, 'cheap')]);
    if (record === undefined) throw new Error('no record');
    return record;
  }

  const scored =
    (cheap: string, strong: string): JudgeReply =>
    (answer) => ({
      kind: 'answer',
      text: answer.includes('Cheap:') ? cheap : strong,
      inputTokens: 400,
      outputTokens: 10,
    });

  const judgeRequests = () => fakes.openai.requests.filter((request) => request.body.model === judgeDeployment.model);

  it('escalates an answer the judge scores low, serves one it scores high, and counts both', async () => {
    const record = await run('judge-low', scored('{"score": 0.2}', 'Score: 9/10'));

    expect(record.status).toBe('completed');
    expect(record.final).toMatchObject({ tier: 'strong', answer: 'Strong: Rayleigh scattering.', qualityScore: 0.9 });
    const [cheap, strong] = record.attempts;
    expect(cheap).toMatchObject({
      tier: 'cheap',
      qualityScore: 0.2,
      qualityReasons: ['judge-low'],
      escalationReason: 'quality 0.2 below 0.7: judge-low',
      judge: { score: 0.2, deployment: { provider: 'openai', model: 'judge-nano' }, costUsd: judgeCallUsd },
    });
    expect(cheap?.judge?.usage).toEqual({ inputTokens: 400, outputTokens: 10 });
    expect(strong).toMatchObject({ tier: 'strong', qualityScore: 0.9, qualityReasons: [], judge: { score: 0.9 } });
    // Answers: 1,000 × $0.15/M + 100 × $0.60/M, 1,000 × $2.50/M + 100 × $10/M; two judge calls.
    expect(record.costUsd).toBeCloseTo(0.00021 + 0.0035 + 2 * judgeCallUsd, 9);
    // The answers' tokens only, as an OpenAI client reads `usage`; the judge's are on each attempt.
    expect(record.usage).toEqual({ inputTokens: 2_000, outputTokens: 200 });

    // The judge saw the prompt and the answer, nothing else, through the same wire as answers.
    const [first] = judgeRequests();
    const expected = judgeMessages({
      prompt,
      answer: 'Cheap: light scatters.',
      maxPromptChars: 4_000,
      maxAnswerChars: 4_000,
    });
    expect(first?.body.messages).toEqual([
      { role: 'system', content: expected.system },
      { role: 'user', content: expected.user },
    ]);
    expect(first?.body).toMatchObject({ temperature: 0, max_tokens: 200 });

    const live = stack as TestStack;
    const today = new Date().toISOString().slice(0, 10);
    const { total, groups } = groupLedger(
      await readLedger(live.runtime.redis, live.runtime.keys, [today]),
      'deployment',
    );
    expect(total.judgeCalls).toBe(2);
    expect(total.judgeCostUsd).toBeCloseTo(2 * judgeCallUsd, 9);
    expect(total.costUsd).toBeCloseTo(record.costUsd, 9);
    expect(groups['openai/judge-nano']).toMatchObject({ judgeCalls: 2, attempts: 0, requests: 0 });
    const monitor = qualityMonitor(await new FeedbackStore(live.runtime.redis, live.runtime.keys, 3_600).read([today]));
    expect(monitor.tiers.cheap).toMatchObject({ judged: 1, averageJudgeScore: 0.2 });
    expect(monitor.tiers.strong).toMatchObject({ judged: 1, averageJudgeScore: 0.9 });
    expect(monitor.routes.general).toMatchObject({ judged: 2 });
  });

  it('serves the cheap answer when the judge scores it at or above the threshold', async () => {
    const record = await run('judge-high', scored('80%', '0.1'));

    expect(record.final).toMatchObject({ tier: 'cheap', qualityScore: 0.8 });
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]?.judge).toMatchObject({ score: 0.8, costUsd: judgeCallUsd });
    expect(record.costUsd).toBeCloseTo(0.00021 + judgeCallUsd, 9);
  });

  it('leaves an unclear reply unknown: the heuristics decide, the call is still paid for', async () => {
    const record = await run('judge-unclear', scored('The answer looks fine to me, maybe a 7.', '0.1'));

    expect(record.final).toMatchObject({ tier: 'cheap', qualityScore: 1 });
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]).toMatchObject({
      qualityReasons: [],
      judge: {
        score: null,
        costUsd: judgeCallUsd,
        unknownReason: 'no clear score in the reply "The answer looks fine to me, maybe a 7."',
      },
    });
    expect(record.costUsd).toBeCloseTo(0.00021 + judgeCallUsd, 9);
    const live = stack as TestStack;
    const today = new Date().toISOString().slice(0, 10);
    const monitor = qualityMonitor(await new FeedbackStore(live.runtime.redis, live.runtime.keys, 3_600).read([today]));
    expect(monitor.total).toMatchObject({ judged: 0, averageJudgeScore: null });
  });

  it('counts a provider error or a timeout of the judge as unknown, at no cost', async () => {
    const failed = await run('judge-error', () => ({ kind: 'error', status: 500, message: 'judge down' }));
    expect(failed.final).toMatchObject({ tier: 'cheap', qualityScore: 1 });
    expect(failed.attempts[0]?.judge).toMatchObject({ score: null, costUsd: 0 });
    expect(failed.attempts[0]?.judge?.unknownReason).toMatch(/^the judge call failed: .*judge down/);
    expect(failed.costUsd).toBeCloseTo(0.00021, 9);
    await stack?.close();

    const slow = await run('judge-timeout', () => ({ kind: 'hang' }), { timeoutMs: 300 });
    expect(slow.final).toMatchObject({ tier: 'cheap', qualityScore: 1 });
    expect(slow.attempts[0]?.judge).toMatchObject({ score: null, costUsd: 0, unknownReason: 'no reply within 300 ms' });
  });

  it('skips a judge whose breaker is open: unknown, without a call', async () => {
    const wire = { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: fakes.openai.baseURL };
    stack = await startTestStack('judge-breaker', {
      tiers: [{ name: 'cheap', deployments: [mini] }],
      // The judge on an endpoint of its own, whose breaker opens on its first failure.
      providers: { openai: wire, judging: { ...wire, breaker: { volumeThreshold: 1, resetTimeoutMs: 60_000 } } },
      quality: { judge: { enabled: true, deployment: { ...judgeDeployment, provider: 'judging' } } },
    });
    fakes.openai.setBehaviour((request: RecordedRequest) =>
      request.body.model === judgeDeployment.model
        ? { kind: 'error', status: 503, message: 'overloaded' }
        : { kind: 'answer', text: 'Cheap: light scatters.' },
    );
    const before = judgeRequests().length;
    const [first] = await stack.finished([await stack.submit(prompt, 'cheap')]);
    const [second] = await stack.finished([await stack.submit(prompt, 'cheap')]);

    // The failure opened the breaker: the judge's only deployment cannot answer now.
    expect(first?.attempts[0]?.judge?.unknownReason).toMatch(
      /^no judge deployment can answer now: judging\/judge-nano: .*overloaded/,
    );
    expect(stack.breakers.board.states()).toMatchObject({ openai: 'closed', judging: 'open' });
    expect(second?.final).toMatchObject({ tier: 'cheap', qualityScore: 1 });
    expect(second?.attempts[0]?.judge?.score).toBeNull();
    expect(second?.attempts[0]?.judge?.unknownReason).toMatch(
      /^no judge deployment can answer now: judging\/judge-nano: judging breaker open until /,
    );
    expect(judgeRequests().length - before).toBe(1);
  });

  it("judges with a tier's deployments at their prices when given a tier", async () => {
    stack = await startTestStack('judge-tier', {
      tiers: [
        { name: 'cheap', deployments: [mini] },
        { name: 'strong', deployments: [big] },
      ],
      providers: { openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: fakes.openai.baseURL } },
      quality: { judge: { enabled: true, tier: 'cheap' } },
    });
    fakes.openai.setBehaviour((request: RecordedRequest) =>
      (request.body.messages as { role: string }[])[0]?.role === 'system'
        ? { kind: 'answer', text: '{"score": 0.95}', inputTokens: 400, outputTokens: 10 }
        : { kind: 'answer', text: 'Cheap: light scatters.', inputTokens: 1_000, outputTokens: 100 },
    );
    const [record] = await stack.finished([await stack.submit(prompt, 'cheap')]);

    expect(record?.final).toMatchObject({ tier: 'cheap', qualityScore: 0.95 });
    // 400 × $0.15/M + 10 × $0.60/M on the cheap tier's deployment.
    expect(record?.attempts[0]?.judge).toMatchObject({
      score: 0.95,
      deployment: { provider: 'openai', model: 'mini' },
      costUsd: 0.000066,
    });
    expect(record?.costUsd).toBeCloseTo(0.00021 + 0.000066, 9);
  });

  it('does not ask the judge about an answer the heuristics already fail', async () => {
    const before = judgeRequests().length;
    stack = await startTestStack('judge-skipped', {
      tiers: [{ name: 'cheap', deployments: [mini] }],
      providers: { openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: fakes.openai.baseURL } },
      quality: { judge: { enabled: true, deployment: judgeDeployment } },
    });
    fakes.openai.setBehaviour({ kind: 'answer', text: "I'm sorry, but I can't help with that." });
    const [record] = await stack.finished([await stack.submit(prompt, 'cheap')]);

    expect(record?.attempts[0]).toMatchObject({ qualityReasons: ['refusal'], qualityScore: 0.2 });
    expect(record?.attempts[0]?.judge).toBeUndefined();
    expect(judgeRequests().length).toBe(before);
  });
});

function userMessage(request: RecordedRequest): string {
  const messages = request.body.messages as { role: string; content: string }[];
  return messages.find((message) => message.role === 'user')?.content ?? '';
}
