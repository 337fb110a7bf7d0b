import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildApp } from '@switchyard/api';
import { startClassifierWorker, type RunningClassifier } from '@switchyard/classifier';
import { createClassifierChain } from '@switchyard/classifiers';
import { assignExperiment, hashApiKey, loadConfig, type SwitchyardConfig } from '@switchyard/core';
import { startExecutor, type RunningExecutor } from '@switchyard/executor';
import { createLogger } from '@switchyard/observability';
import { createProviderRegistry } from '@switchyard/providers';
import { createQueueRuntime, type QueueRuntime } from '@switchyard/queue';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, repositoryRoot } from '../support/processes.ts';

const logger = createLogger({ name: 'experiments-test', level: 'silent' });
const run = promisify(execFile);
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const complexPrompt = (index: number) => `Prove that there are infinitely many primes (attempt ${index}).`;

/** The first key id of the form `team-N` that the experiment puts in `arm`. */
function keyIn(config: SwitchyardConfig, arm: 'variant' | 'control'): string {
  for (let index = 0; ; index += 1) {
    const keyId = `team-${index}`;
    if (assignExperiment(config.experiments, { keyId, requestId: 'any' })?.arm === arm) return keyId;
  }
}

describe('an experiment on the cascade mode, sticky per key', () => {
  let config: SwitchyardConfig;
  let runtime: QueueRuntime;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let classifier: RunningClassifier;
  let url: string;
  const executors: RunningExecutor[] = [];
  const ids: Record<'variant' | 'control', string[]> = { variant: [], control: [] };

  beforeAll(async () => {
    config = loadConfig();
    config.queue.prefix = uniquePrefix('experiments');
    config.simulation = { latencyMs: { min: 1, max: 5 }, weakAnswerRate: {}, failureRate: 0 };
    config.experiments = [
      { name: 'cheap-start', share: 0.5, sticky: 'key', variant: { cascadeMode: 'cheapest-first' } },
    ];
    config.auth.keys = [
      { id: keyIn(config, 'variant'), hash: hashApiKey('sy-variant'), role: 'client' },
      { id: keyIn(config, 'control'), hash: hashApiKey('sy-control'), role: 'client' },
      { id: 'ops', hash: hashApiKey('sy-ops'), role: 'admin' },
    ];
    runtime = createQueueRuntime(config, await redisUrlForTests(), 'worker', logger);
    const providers = createProviderRegistry(config, { env: {}, simulateAll: true });
    for (const tier of config.tiers)
      executors.push(startExecutor({ config, tier: tier.name, runtime, providers, logger }));
    await Promise.all(executors.map((executor) => executor.ready));
    classifier = startClassifierWorker({ config, runtime, chain: createClassifierChain(config), logger });
    app = await buildApp({ config, runtime, logger });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app.close();
    await classifier.close();
    await Promise.all(executors.map((executor) => executor.close()));
    await runtime.close();
  });

  it('starts complex prompts of the variant key on the cheapest tier, the control key where classified', async () => {
    for (const [arm, secret] of [
      ['variant', 'sy-variant'],
      ['control', 'sy-control'],
    ] as const) {
      for (let index = 0; index < 3; index += 1) {
        const response = await app.inject({
          method: 'POST',
          url: '/v1/chat/completions',
          headers: bearer(secret),
          payload: { model: 'auto', messages: [{ role: 'user', content: complexPrompt(index) }] },
        });
        expect(response.statusCode).toBe(200);
        ids[arm].push(response.headers['x-switchyard-request-id'] as string);
      }
      // Through the classify worker too: the same key, the same arm.
      const queued = await app.inject({
        method: 'POST',
        url: '/v1/requests',
        headers: bearer(secret),
        payload: { messages: [{ role: 'user', content: complexPrompt(9) }] },
      });
      expect(queued.statusCode).toBe(202);
      ids[arm].push(queued.json().id);
    }
    for (const [arm, tier] of [
      ['variant', 'simple'],
      ['control', 'complex'],
    ] as const) {
      for (const id of ids[arm]) {
        const secret = arm === 'variant' ? 'sy-variant' : 'sy-control';
        const view = (await app.inject({ url: `/v1/requests/${id}?wait=30`, headers: bearer(secret) })).json();
        expect(view.status).toBe('completed');
        expect(view.routing).toMatchObject({ tier, experiment: { name: 'cheap-start', arm } });
        expect(view.attempts[0].tier).toBe(tier);
      }
    }
  });

  it('shows both arms in the stats, with feedback per arm, and a client key only its own', async () => {
    const give = (id: string, secret: string, score: number) =>
      app.inject({ method: 'POST', url: `/v1/requests/${id}/feedback`, headers: bearer(secret), payload: { score } });
    expect((await give(ids.variant[0] as string, 'sy-variant', 0.4)).statusCode).toBe(201);
    expect((await give(ids.control[0] as string, 'sy-control', 0.9)).statusCode).toBe(201);
    // Given again: replaced, counted once.
    expect((await give(ids.control[0] as string, 'sy-control', 0.8)).statusCode).toBe(200);

    const stats = (await app.inject({ url: '/v1/stats', headers: bearer('sy-ops') })).json();
    const experiment = stats.experiments['cheap-start'];
    expect(experiment).toMatchObject({ configured: true, share: 0.5, sticky: 'key' });
    expect(experiment.variant).toMatchObject({ requests: 4, failed: 0, quality: { feedback: 1 } });
    expect(experiment.control).toMatchObject({ requests: 4, failed: 0, quality: { feedback: 1 } });
    expect(experiment.variant.quality.averageScore).toBeCloseTo(0.4, 6);
    expect(experiment.control.quality.averageScore).toBeCloseTo(0.8, 6);
    expect(experiment.variant.costPerRequestUsd).toBeLessThan(experiment.control.costPerRequestUsd);
    // The experiment's feedback is not a tier or route of the quality monitor.
    expect(Object.keys(stats.quality.tiers).sort()).toEqual(['complex', 'simple']);

    const own = (await app.inject({ url: '/v1/stats', headers: bearer('sy-variant') })).json();
    expect(own.experiments['cheap-start'].variant.requests).toBe(4);
    expect(own.experiments['cheap-start'].control.requests).toBe(0);
  });

  it('prints both arms with switchyard report --experiment', async () => {
    const cli = (...args: string[]) =>
      run(process.execPath, [cliPath, 'report', ...args, '--api', url, '--api-key', 'sy-ops'], {
        cwd: repositoryRoot,
        env: { ...process.env, LOG_LEVEL: 'silent' },
      });
    const { stdout } = await cli('--experiment', 'cheap-start');
    expect(stdout).toContain('Experiment cheap-start');
    expect(stdout).toContain('50.0% of traffic, sticky per key');
    expect(stdout).toContain('The variant changes: cascadeMode cheapest-first');
    expect(stdout).toMatch(/^ {2}variant\s+4\s+0\s+4\s+0\s+0\.0%.*\s1\s+0\.40\s/m);
    expect(stdout).toMatch(/^ {2}control\s+4\s+0\s+4\s+0\s+0\.0%.*\s1\s+0\.80\s/m);
    expect(stdout).toMatch(/Variant against control: cost per request -\d+\.\d%, escalation rate \+0\.0 points/);
    await expect(cli('--experiment', 'nope')).rejects.toMatchObject({
      stderr: expect.stringContaining('no experiment "nope" in the config or the ledger'),
    });
  });
});
