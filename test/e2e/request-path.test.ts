import { loadConfig } from '@switchyard/core';
import { redisUrlForTests, uniquePrefix } from '@switchyard/testkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot, startRole, type RoleProcess } from '../support/processes.ts';
import { countCompletions, writeConfigFile, type CompletionCounter } from '../support/stack.ts';

interface ResultLine {
  id: string;
  custom_id: string | null;
  status: string;
  tier: string | null;
  routed_tier: string | null;
  escalations: number;
  answer: string | null;
  simulated: boolean | null;
  cost_usd: number;
}

const simplePrompts = [
  'hi',
  'What is the capital of Peru?',
  'Translate "thank you" into German.',
  'Define the word "ephemeral".',
];
const complexPrompts = [
  'Prove that there are infinitely many primes.',
  'Design a fault-tolerant, multi-region architecture for a payments system ' +
    'and do a security review of its threat model, with the trade-offs of each choice.',
  'Prove that the square root of 2 is irrational, then derive a general proof for the square root of any prime.',
];

describe('the request path across processes', () => {
  const prefix = uniquePrefix('e2e');
  const roles: RoleProcess[] = [];
  let apiUrl = '';
  let completionCounter: CompletionCounter | undefined;
  let completions = new Map<string, number>();

  beforeAll(async () => {
    const redisUrl = await redisUrlForTests();
    const config = loadConfig();
    config.queue.prefix = prefix;
    config.queue.retentionSeconds = 3_600;
    config.simulation = {
      latencyMs: { min: 5, max: 40 },
      weakAnswerRate: { simple: 0.35, medium: 0.2, complex: 0 },
      failureRate: 0,
    };
    const configPath = writeConfigFile(config, 'e2e');
    const env = { REDIS_URL: redisUrl, SWITCHYARD_CONFIG: configPath, SWITCHYARD_SIMULATE: '1', LOG_LEVEL: 'warn' };

    completionCounter = await countCompletions(redisUrl, `${prefix}:events`);
    completions = completionCounter.counts;

    const api = startRole('api', ['api', '--port', '0'], env);
    roles.push(
      api,
      startRole('classifier', ['classifier'], env),
      ...['simple', 'medium', 'complex'].map((tier) =>
        startRole(`executor-${tier}`, ['executor', '--tier', tier], env),
      ),
    );
    apiUrl = (await api.waitForLine(/listening on (http:\/\/\S+)/))[1] ?? '';
    await Promise.all(roles.slice(1).map((role) => role.waitForLine(/running/)));
  });

  afterAll(async () => {
    await Promise.all(roles.map((role) => role.stop()));
    completionCounter?.close();
  });

  it('completes every request of a batch exactly once, routes by difficulty and escalates weak answers', async () => {
    const sample = readFileSync(join(repositoryRoot, 'apps/cli/data/sample-batch.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(0, 113)
      .map((line) => JSON.parse(line) as { custom_id: string; prompt: string });
    const items = [
      ...sample.map(({ custom_id, prompt }) => ({ custom_id, messages: [{ role: 'user', content: prompt }] })),
      ...simplePrompts.map((content, index) => ({
        custom_id: `simple-${index}`,
        messages: [{ role: 'user', content }],
      })),
      ...complexPrompts.map((content, index) => ({
        custom_id: `complex-${index}`,
        messages: [{ role: 'user', content }],
      })),
    ];
    expect(items.length).toBe(120);

    const created = await fetch(`${apiUrl}/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items),
    });
    expect(created.status).toBe(202);
    const { id: batchId } = (await created.json()) as { id: string };

    // Progress is pushed: follow the batch's event stream until it says done.
    const events = await fetch(`${apiUrl}/v1/batches/${batchId}/events`);
    const progress = await events.text();
    expect(progress).toContain('event: done');

    const results = (await (await fetch(`${apiUrl}/v1/batches/${batchId}/results`)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ResultLine);
    const failures = results.filter((line) => line.status !== 'completed');
    expect(failures, roles.map((role) => role.output()).join('\n')).toEqual([]);
    expect(results).toHaveLength(120);

    // Exactly once: one completion event per request, none for anything else.
    expect(completions.size).toBe(120);
    expect([...completions.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(results.map((line) => line.id))).toEqual(new Set(completions.keys()));
    expect(results.every((line) => line.simulated === true && (line.answer ?? '').length > 0)).toBe(true);

    const byCustomId = new Map(results.map((line) => [line.custom_id, line]));
    for (const index of simplePrompts.keys()) expect(byCustomId.get(`simple-${index}`)?.routed_tier).toBe('simple');
    for (const index of complexPrompts.keys()) expect(byCustomId.get(`complex-${index}`)?.routed_tier).toBe('complex');

    const ladder = ['simple', 'medium', 'complex'];
    const escalated = results.filter((line) => line.escalations > 0);
    expect(escalated.length).toBeGreaterThan(0);
    for (const line of escalated) {
      expect(ladder.indexOf(line.tier ?? '')).toBeGreaterThan(ladder.indexOf(line.routed_tier ?? ''));
    }

    // The record of an escalated request tells the story hop by hop.
    const story = (await (await fetch(`${apiUrl}/v1/requests/${escalated[0]?.id}`)).json()) as {
      attempts: { hop: number; tier: string; escalation_reason: string | null; cost_usd: number }[];
      cost_usd: number;
    };
    expect(story.attempts.map((attempt) => attempt.hop)).toEqual(story.attempts.map((_, index) => index));
    expect(story.attempts[0]?.escalation_reason).toMatch(/quality .* below/);
    expect(story.attempts.at(-1)?.escalation_reason).toBeNull();
    expect(story.cost_usd).toBeCloseTo(
      story.attempts.reduce((sum, attempt) => sum + attempt.cost_usd, 0),
      8,
    );
  });
});
