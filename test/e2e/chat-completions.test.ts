import { loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

interface RecordView {
  id: string;
  status: string;
  answer: string | null;
  routing: { tier: string; strategy: string; route: string } | null;
  final: { tier: string; provider: string; model: string } | null;
  usage: { input_tokens: number; output_tokens: number };
  attempts: unknown[];
  cost_usd: number;
}

const complexPrompt = 'Prove that there are infinitely many primes, then derive a general proof for any prime.';
const simplePrompt = 'What is the capital of Peru?';
/** Five processes starting at once on a shared machine can take a while. */
const startupMs = 90_000;

function stackConfig(prefix: string, change: (config: SwitchyardConfig) => void = () => {}): SwitchyardConfig {
  const config = loadConfig();
  config.queue.prefix = prefix;
  config.queue.retentionSeconds = 3_600;
  config.simulation = { latencyMs: { min: 5, max: 40 }, weakAnswerRate: {}, failureRate: 0 };
  change(config);
  return config;
}

/** Content pieces, finish reason and usage of one streamed completion. */
async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  const pieces: string[] = [];
  const finishReasons: string[] = [];
  let usage: OpenAI.CompletionUsage | undefined;
  let id = '';
  for await (const chunk of stream) {
    id = chunk.id;
    expect(chunk.object).toBe('chat.completion.chunk');
    const choice = chunk.choices[0];
    if (choice?.delta.content) pieces.push(choice.delta.content);
    if (choice?.finish_reason) finishReasons.push(choice.finish_reason);
    if (chunk.usage) usage = chunk.usage;
  }
  return { id, pieces, finishReasons, usage };
}

describe('chat completions through the official OpenAI client, across processes', () => {
  const roles: RoleProcess[] = [];
  const late: RoleProcess[] = [];
  let env: Record<string, string> = {};
  let lateEnv: Record<string, string> = {};
  let apiUrls: string[] = [];
  let slowApiUrl = '';
  const client = (url: string) => new OpenAI({ apiKey: 'unused', baseURL: `${url}/v1`, maxRetries: 0 });
  const record = async (url: string, id: string, wait = 0): Promise<RecordView> =>
    (await (await fetch(`${url}/v1/requests/${id}?wait=${wait}`)).json()) as RecordView;

  beforeAll(async () => {
    const redisUrl = await redisUrlForTests();
    const common = { REDIS_URL: redisUrl, SWITCHYARD_SIMULATE: '1', LOG_LEVEL: 'warn' };
    env = { ...common, SWITCHYARD_CONFIG: writeConfigFile(stackConfig(uniquePrefix('chat')), 'chat') };
    // A second stack whose API gives up after 300 ms and whose executor starts only when a test asks.
    const slow = stackConfig(uniquePrefix('chat-slow'), (config) => {
      config.api.syncTimeoutMs = 300;
    });
    lateEnv = { ...common, SWITCHYARD_CONFIG: writeConfigFile(slow, 'chat-slow') };

    const apis = [startRole('api-1', ['api', '--port', '0'], env), startRole('api-2', ['api', '--port', '0'], env)];
    const slowApi = startRole('api-slow', ['api', '--port', '0'], lateEnv);
    const workers = [
      startRole('classifier', ['classifier'], env),
      startRole('executor', ['executor', '--tier', 'simple', '--tier', 'medium', '--tier', 'complex'], env),
    ];
    roles.push(...apis, slowApi, ...workers);
    apiUrls = await Promise.all(
      apis.map(async (api) => (await api.waitForLine(/listening on (http:\/\/\S+)/, startupMs))[1] ?? ''),
    );
    slowApiUrl = (await slowApi.waitForLine(/listening on (http:\/\/\S+)/, startupMs))[1] ?? '';
    await Promise.all(workers.map((role) => role.waitForLine(/running/, startupMs)));
  }, 4 * startupMs);

  afterAll(async () => {
    await Promise.all([...roles, ...late].map((role) => role.stop()));
  });

  it('answers a plain completion with the routed answer, usage and routing headers', async () => {
    const [url = ''] = apiUrls;
    const { data, response } = await client(url)
      .chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: simplePrompt }],
        max_tokens: 300,
        temperature: 0.2,
        user: 'someone',
        metadata: { team: 'a' },
        // A field this router does not know is ignored.
        seed: 42,
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    const id = response.headers.get('x-switchyard-request-id') ?? '';
    expect(data.id).toBe(id);
    const stored = await record(apiUrls[1] ?? '', id);
    expect(stored.status).toBe('completed');
    expect(stored.routing).toMatchObject({ tier: 'simple' });
    expect(data.choices[0]?.message.content).toBe(stored.answer);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.model).toBe(stored.final?.model);
    expect(data.usage).toEqual({
      prompt_tokens: stored.usage.input_tokens,
      completion_tokens: stored.usage.output_tokens,
      total_tokens: stored.usage.input_tokens + stored.usage.output_tokens,
    });
    expect(response.headers.get('x-switchyard-tier')).toBe(stored.final?.tier);
    expect(response.headers.get('x-switchyard-deployment')).toBe(`${stored.final?.provider}/${stored.final?.model}`);
    expect(response.headers.get('x-switchyard-escalations')).toBe(String(stored.attempts.length - 1));
    expect(Number(response.headers.get('x-switchyard-cost-usd'))).toBe(stored.cost_usd);
    expect(Number(response.headers.get('x-switchyard-baseline-usd'))).toBeGreaterThan(0);
  });

  it('streams a completion chunk by chunk, with the usage chunk asked for', async () => {
    const stream = await client(apiUrls[0] ?? '').chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: [{ type: 'text', text: complexPrompt }] }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { id, pieces, finishReasons, usage } = await collect(stream);
    // The stream ends as the executor completes the record: wait for that.
    const stored = await record(apiUrls[1] ?? '', id, 10);
    expect(stored.routing).toMatchObject({ tier: 'complex' });
    // The top tier cannot escalate: its tokens went out live, one piece per chunk.
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(stored.answer);
    expect(finishReasons).toEqual(['stop']);
    expect(usage).toEqual({
      prompt_tokens: stored.usage.input_tokens,
      completion_tokens: stored.usage.output_tokens,
      total_tokens: stored.usage.input_tokens + stored.usage.output_tokens,
    });
  });

  it('streams an answer that could still escalate only once the gate passed it, whole', async () => {
    const stream = await client(apiUrls[1] ?? '').chat.completions.create({
      model: 'simple',
      messages: [{ role: 'user', content: simplePrompt }],
      stream: true,
    });
    const { id, pieces, finishReasons, usage } = await collect(stream);
    const stored = await record(apiUrls[0] ?? '', id, 10);
    expect(pieces).toEqual([stored.answer]);
    expect(finishReasons).toEqual(['stop']);
    expect(usage).toBeUndefined();
  });

  it('relays every chunk in order to clients of either API instance, also to one attaching late', async () => {
    const idempotencyKey = `chat-stream-${Date.now()}`;
    const ask = (url: string) =>
      client(url).chat.completions.create(
        { model: 'complex', messages: [{ role: 'user', content: complexPrompt }], stream: true },
        { headers: { 'Idempotency-Key': idempotencyKey } },
      );
    const [first, second] = await Promise.all(apiUrls.map(async (url) => collect(await ask(url))));
    expect(second?.id).toBe(first?.id);
    const stored = await record(apiUrls[0] ?? '', first?.id ?? '', 10);
    expect(first?.pieces.join('')).toBe(stored.answer);
    expect(second?.pieces).toEqual(first?.pieces);
    const latecomer = await collect(await ask(apiUrls[1] ?? ''));
    expect(latecomer.pieces).toEqual(first?.pieces);
  });

  it('lists auto, the tiers and the deployments', async () => {
    const ids: string[] = [];
    for await (const model of client(apiUrls[0] ?? '').models.list()) ids.push(model.id);
    expect(ids.slice(0, 4)).toEqual(['auto', 'simple', 'medium', 'complex']);
    expect(ids).toContain('claude-haiku-4-5');
    expect(ids).toContain('gpt-4.1');
  });

  it('pins the tier by its name or by one of its models', async () => {
    const openai = client(apiUrls[1] ?? '');
    for (const [model, tier] of [
      ['simple', 'simple'],
      ['gpt-4.1', 'medium'],
    ] as const) {
      const { data, response } = await openai.chat.completions
        .create({ model, messages: [{ role: 'user', content: complexPrompt }] })
        .withResponse();
      const stored = await record(apiUrls[0] ?? '', response.headers.get('x-switchyard-request-id') ?? '');
      expect(stored.routing).toMatchObject({ tier, strategy: 'forced' });
      expect(data.choices[0]?.message.content).toBe(stored.answer);
    }
    await expect(
      openai.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
  });

  it('names the bad field of a malformed body', async () => {
    const openai = client(apiUrls[0] ?? '');
    await expect(
      openai.chat.completions.create({
        model: 'auto',
        // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed, past the SDK's types
        messages: [{ role: 'user', content: 42 as any }],
      }),
    ).rejects.toMatchObject({ status: 400, code: 'invalid_body', param: 'messages[0].content' });
    await expect(
      openai.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }],
      }),
    ).rejects.toMatchObject({ status: 400, code: 'unsupported_content', param: 'messages[0].content[0].type' });
    await expect(
      openai.chat.completions.create({ model: 'auto', messages: [{ role: 'system', content: 'Be brief.' }] }),
    ).rejects.toMatchObject({ status: 400, code: 'invalid_body', param: 'messages' });
  });

  it('answers 504 with the request id past the wait, and the request runs on to be collected', async () => {
    const error = await client(slowApiUrl)
      .chat.completions.create({ model: 'complex', messages: [{ role: 'user', content: complexPrompt }] })
      .then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(504);
    expect(apiError.code).toBe('sync_timeout');
    const id = (apiError.error as { request_id: string }).request_id;
    expect(apiError.headers?.get('x-switchyard-request-id')).toBe(id);
    expect((await record(slowApiUrl, id)).status).toBe('routed');
    const executor = startRole('executor-slow', ['executor', '--tier', 'complex'], lateEnv);
    late.push(executor);
    const collected = await record(slowApiUrl, id, 30);
    expect(collected.status).toBe('completed');
    expect(collected.answer).toMatch(/simulated answer/);
  });
});
