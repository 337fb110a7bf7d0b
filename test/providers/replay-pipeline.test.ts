import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizePrompt, parseConfig } from '@switchyard/core';
import { loadRoutellmResponses, type ReplayDataset } from '@switchyard/providers';
import { redisUrlForTests, sharedDataPath, uniquePrefix } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRole, type RoleProcess } from '../support/processes.ts';
import { writeConfigFile } from '../support/stack.ts';

const routellm = sharedDataPath('routellm');
const weak = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
const strong = 'gpt-4-1106-preview';
const batchSize = 40;

interface ResultLine {
  custom_id: string | null;
  status: string;
  tier: string | null;
  model: string | null;
  answer: string | null;
  simulated: boolean | null;
  cost_usd: number;
  error: unknown;
}

/** GSM8K prompts that were not seen in RouteLLM's router training data, in file order. */
function cleanPrompts(dataset: ReplayDataset): string[] {
  const contaminated = new Set(
    readFileSync(join(routellm, 'gsm8k_contaminated_prompts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => normalizePrompt((JSON.parse(line) as { eval_prompt: string }).eval_prompt)),
  );
  return dataset.prompts.filter((prompt) => !contaminated.has(normalizePrompt(prompt)));
}

/**
 * GSM8K through the whole pipeline (API, classifier and one executor per tier, each its own
 * process) on replay providers: the lower tier replays the weak model's recorded answers, the
 * top tier the strong model's. Every answer served must be, byte for byte, the recorded answer
 * of the model of the tier that served it.
 */
describe('replay of recorded RouteLLM answers through the pipeline', () => {
  const roles: RoleProcess[] = [];
  let apiUrl = '';
  let dataset: ReplayDataset;

  beforeAll(async () => {
    dataset = loadRoutellmResponses(join(routellm, 'gsm8k_responses.csv'));
    const config = parseConfig({
      tiers: [
        { name: 'simple', deployments: [{ provider: 'routellm', model: weak, inputPerMTok: 0.6, outputPerMTok: 0.6 }] },
        {
          name: 'complex',
          deployments: [{ provider: 'routellm', model: strong, inputPerMTok: 10, outputPerMTok: 30 }],
        },
      ],
      routes: [{ name: 'general' }],
      classifier: { defaultTier: 'simple' },
      providers: { routellm: { type: 'replay', dataset: join(routellm, 'gsm8k_responses.csv') } },
      queue: { prefix: uniquePrefix('replay-gsm8k'), retentionSeconds: 600 },
    });
    const configPath = writeConfigFile(config, 'replay');
    const env = { REDIS_URL: await redisUrlForTests(), SWITCHYARD_CONFIG: configPath, LOG_LEVEL: 'warn' };
    const api = startRole('api', ['api', '--port', '0'], env);
    roles.push(
      api,
      startRole('classifier', ['classifier'], env),
      ...['simple', 'complex'].map((tier) => startRole(`executor-${tier}`, ['executor', '--tier', tier], env)),
    );
    apiUrl = (await api.waitForLine(/listening on (http:\/\/\S+)/))[1] ?? '';
    await Promise.all(roles.slice(1).map((role) => role.waitForLine(/running/)));
  });

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
  });

  it('serves each GSM8K prompt the recorded answer of the model on the tier that answered it', async () => {
    const prompts = cleanPrompts(dataset).slice(0, batchSize);
    expect(prompts).toHaveLength(batchSize);
    // Every other prompt goes straight to the top tier, so both recorded models are replayed.
    const items = prompts.map((prompt, index) => ({
      custom_id: `gsm8k-${index}`,
      messages: [{ role: 'user', content: prompt }],
      ...(index % 2 === 1 ? { force_tier: 'complex' } : {}),
    }));
    const created = await fetch(`${apiUrl}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items),
    });
    expect(created.status).toBe(202);
    const { id: batchId } = (await created.json()) as { id: string };
    expect(await (await fetch(`${apiUrl}/v1/batches/${batchId}/events`)).text()).toContain('event: done');

    const lines = (await (await fetch(`${apiUrl}/v1/batches/${batchId}/results`)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ResultLine);
    expect(
      lines.filter((line) => line.status !== 'completed'),
      roles.map((role) => role.output()).join('\n'),
    ).toEqual([]);
    expect(lines).toHaveLength(batchSize);

    const servedBy = { simple: 0, complex: 0 };
    for (const line of lines) {
      const prompt = prompts[Number(line.custom_id?.replace('gsm8k-', ''))] ?? '';
      const model = line.tier === 'complex' ? strong : weak;
      expect(line.model).toBe(`routellm/${model}`);
      expect(line.answer).toBe(dataset.answer(prompt, model)?.text);
      expect(line.simulated).toBe(false);
      expect(line.cost_usd).toBeGreaterThan(0);
      servedBy[line.tier === 'complex' ? 'complex' : 'simple'] += 1;
    }
    expect(servedBy.complex).toBeGreaterThanOrEqual(batchSize / 2);
    expect(servedBy.simple).toBeGreaterThan(0);
  });
});
