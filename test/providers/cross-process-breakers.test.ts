import {
  jobCatalog,
  newRequestId,
  parseConfig,
  tierJobId,
  type RequestRecord,
  type SwitchyardConfig,
} from '@switchyard/core';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import {
  redisUrlForTests,
  routedDecision,
  startFakeAnthropic,
  startFakeOpenAI,
  uniquePrefix,
  type FakeProviderServer,
} from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';
import { watchLogs, type LogLine, type ProcessLogs } from './process-logs.ts';

const deployments = [
  { provider: 'anthropic', model: 'claude-haiku-4-5', inputPerMTok: 1, outputPerMTok: 5 },
  { provider: 'openai', model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6 },
];
const breaker = { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 1_500, timeoutMs: 5_000 };
const about = (provider: string, msg: string, source?: string) => (line: LogLine) =>
  line.msg === msg && line.provider === provider && (source === undefined || line.source === source);

/**
 * Two executor processes (the real CLI) serve different tiers that share the same providers.
 * Process A trips the Anthropic breaker; process B must stop calling Anthropic without having
 * seen a single failure itself, and when the breaker may close again, one probe in one process
 * tests the provider for both.
 */
describe('breakers across executor processes', () => {
  let anthropic: FakeProviderServer;
  let openai: FakeProviderServer;
  let config: SwitchyardConfig;
  let runtime: QueueRuntime;
  const roles: RoleProcess[] = [];
  let alphaLogs: ProcessLogs;
  let betaLogs: ProcessLogs;

  beforeAll(async () => {
    const redisUrl = await redisUrlForTests();
    [anthropic, openai] = await Promise.all([startFakeAnthropic(), startFakeOpenAI()]);
    config = parseConfig({
      tiers: [
        { name: 'alpha', deployments },
        { name: 'beta', deployments },
      ],
      routes: [{ name: 'general' }],
      classifier: { defaultTier: 'alpha' },
      cascade: { enabled: false },
      providers: {
        anthropic: { type: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', baseURL: anthropic.baseURL, breaker },
        openai: { type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseURL: openai.baseURL, breaker },
      },
      queue: {
        prefix: uniquePrefix('cross-process-breakers'),
        retentionSeconds: 600,
        backoffMs: 100,
        executorConcurrency: 4,
      },
    });
    const configPath = writeConfigFile(config, 'breakers');
    const env = {
      REDIS_URL: redisUrl,
      SWITCHYARD_CONFIG: configPath,
      LOG_LEVEL: 'info',
      ANTHROPIC_API_KEY: 'test-key',
      OPENAI_API_KEY: 'test-key',
    };
    const alpha = startRole('executor-alpha', ['executor', '--tier', 'alpha'], env);
    const beta = startRole('executor-beta', ['executor', '--tier', 'beta'], env);
    roles.push(alpha, beta);
    [alphaLogs, betaLogs] = [watchLogs(alpha), watchLogs(beta)];
    await Promise.all([alphaLogs, betaLogs].map((logs) => logs.waitFor((line) => line.msg === 'breaker-sync-ready')));
    runtime = createQueueRuntime(config, redisUrl, 'producer');
    await runtime.events().start();
  });

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
    await runtime?.close();
    await Promise.all([anthropic?.close(), openai?.close()]);
  });

  async function run(tier: string, count: number): Promise<RequestRecord[]> {
    const ids = Array.from({ length: count }, () => newRequestId());
    const done = Promise.all(
      ids.map((id) => new Promise<void>((resolve) => runtime.events().onRequest(id, () => resolve()))),
    );
    await runtime.store.create(
      ids.map((id) => ({ id, request: { messages: [{ role: 'user' as const, content: `question ${id}` }] } })),
    );
    await Promise.all(ids.map((id) => runtime.store.setDecision(id, routedDecision(tier, 'general'))));
    await runtime.queues.tier(tier).addBulk(
      ids.map((id) => ({
        name: jobCatalog.tier.jobName,
        data: { requestId: id, hop: 0, tier, history: [] },
        opts: { jobId: tierJobId(id, 0) },
      })),
    );
    await done;
    return Promise.all(ids.map(async (id) => (await runtime.store.get(id)) as RequestRecord));
  }

  it('a breaker opened in one process is honoured by the other, and one probe closes it for both', async () => {
    anthropic.setBehaviour({ kind: 'error', status: 500, message: 'Internal server error' });
    const tripping = await run('alpha', 2);
    expect(tripping.every((record) => record.final?.deployment.provider === 'openai')).toBe(true);
    await alphaLogs.waitFor(about('anthropic', 'breaker-open', 'local'));
    await betaLogs.waitFor(about('anthropic', 'breaker-open', 'remote'));

    // Process B has never seen Anthropic fail, yet sends it nothing.
    const callsBefore = anthropic.requests.length;
    const served = await run('beta', 4);
    expect(anthropic.requests.length).toBe(callsBefore);
    for (const record of served) {
      expect(record.final?.deployment.provider).toBe('openai');
      expect(record.attempts[0]?.skipped[0]?.error).toMatch(/^anthropic breaker open until /);
    }

    // Anthropic recovers; its answers are slow enough that the probe is still out while the other
    // requests arrive, in both processes.
    anthropic.setBehaviour({ kind: 'answer', text: 'Anthropic is back.', delayMs: 300 });
    await Promise.all([alphaLogs, betaLogs].map((logs) => logs.waitFor(about('anthropic', 'breaker-half-open'))));
    const recoveryStart = anthropic.requests.length;
    const recovered = await Promise.all([run('alpha', 4), run('beta', 4)]);
    await Promise.all([alphaLogs, betaLogs].map((logs) => logs.waitFor(about('anthropic', 'breaker-closed'))));

    const recovery = anthropic.requests.slice(recoveryStart);
    const firstAnswer = Math.min(
      ...recovery.filter((request) => request.status === 200).map((request) => request.repliedAt ?? Infinity),
    );
    expect(recovery.filter((request) => request.receivedAt <= firstAnswer)).toHaveLength(1);
    const probes = [...alphaLogs.lines, ...betaLogs.lines].filter(about('anthropic', 'breaker-probe'));
    expect(probes).toHaveLength(1);
    expect(recovered.flat().every((record) => record.status === 'completed')).toBe(true);
  });
});
