import { assignExperiment, newRequestId, type RequestRecord } from '@switchyard/core';
import { daysBetween, groupLedger, readExperiments, readLedger, type ExperimentArmName } from '@switchyard/queue';
import { routedDecision } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './test-stack.ts';

const price = (inputPerMTok: number, outputPerMTok: number, model: string) => ({
  provider: 'sim',
  model,
  inputPerMTok,
  outputPerMTok,
});

/** What the records of one arm add up to. */
function totalsOf(records: readonly RequestRecord[]) {
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    requests: records.length,
    failed: records.filter((record) => record.status === 'failed').length,
    attempts: sum(records.map((record) => record.attempts.length)),
    escalations: sum(records.map((record) => record.attempts.filter((a) => a.escalationReason !== undefined).length)),
    costUsd: sum(records.map((record) => record.costUsd)),
    baselineUsd: sum(records.map((record) => record.baselineCostUsd)),
  };
}

describe('the experiments in the cost ledger', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('experiment-ledger', {
      tiers: [
        { name: 'simple', deployments: [price(0.15, 0.6, 'small')] },
        { name: 'medium', deployments: [price(1, 5, 'middle')] },
        { name: 'complex', deployments: [price(15, 75, 'large')] },
      ],
      providers: { sim: { type: 'simulated' } },
      simulation: { latencyMs: { min: 0, max: 0 }, weakAnswerRate: { simple: 0.3, medium: 0.2 } },
      queue: { executorConcurrency: 20 },
      // Weak simulated answers score 0 (empty), 0.2 (refusal) or 0.4 (truncated): the variant's
      // gate lets truncated answers through, the configured 0.7 sends them up.
      experiments: [{ name: 'lenient-gate', share: 0.5, sticky: 'request', variant: { qualityThreshold: 0.3 } }],
    });
  });
  afterAll(() => stack.close());

  /** Writes a routed request of `keyId` in the arm its id gets, and enqueues its first hop. */
  async function submit(index: number, keyId: string): Promise<string> {
    const id = newRequestId();
    const experiment = assignExperiment(stack.config.experiments, { keyId, requestId: id });
    const request = { messages: [{ role: 'user' as const, content: `Question ${index}: explain item ${index * 3}` }] };
    await stack.runtime.store.create([
      { id, request, keyId, decision: { ...routedDecision('simple', 'general'), ...(experiment && { experiment }) } },
    ]);
    await stack.runtime.queues.enqueueHop({ requestId: id, hop: 0, tier: 'simple', history: [] });
    return id;
  }

  it('holds per arm exactly the totals of the records, and leaves the ledger cells as they were', async () => {
    const ids = await Promise.all(
      Array.from({ length: 400 }, (_, index) => submit(index, index % 3 === 0 ? 'team-a' : 'team-b')),
    );
    const records = await stack.finished(ids);
    const today = new Date().toISOString().slice(0, 10);
    const days = daysBetween(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), today);
    const { redis, keys } = stack.runtime;

    const experiments = await readExperiments(redis, keys, days);
    expect(Object.keys(experiments)).toEqual(['lenient-gate']);
    const byArm = (arm: ExperimentArmName, keyId?: string) =>
      totalsOf(
        records.filter(
          (record) => record.decision?.experiment?.arm === arm && (keyId === undefined || record.keyId === keyId),
        ),
      );
    for (const arm of ['variant', 'control'] as const) {
      const expected = byArm(arm);
      const read = experiments['lenient-gate']?.[arm];
      expect(expected.requests).toBeGreaterThan(140);
      expect(read).toMatchObject({
        requests: expected.requests,
        failed: expected.failed,
        attempts: expected.attempts,
        escalations: expected.escalations,
      });
      expect(read?.costUsd).toBeCloseTo(expected.costUsd, 8);
      expect(read?.baselineUsd).toBeCloseTo(expected.baselineUsd, 8);
      expect(read?.costPerRequestUsd).toBeCloseTo(expected.costUsd / expected.requests, 8);
      expect(read?.escalationRate).toBeCloseTo(expected.escalations / expected.attempts, 10);
    }
    // Each arm was held to its own gate.
    const escalated = (arm: ExperimentArmName) =>
      records
        .filter((record) => record.decision?.experiment?.arm === arm)
        .flatMap((record) => record.attempts.filter((attempt) => attempt.escalationReason !== undefined));
    expect(escalated('variant').every((attempt) => attempt.qualityScore < 0.3)).toBe(true);
    expect(escalated('variant')[0]?.escalationReason).toMatch(/below 0\.3:/);
    expect(escalated('control').some((attempt) => attempt.qualityScore === 0.4)).toBe(true);
    const arms = experiments['lenient-gate'];
    expect(arms?.variant.escalationRate).toBeLessThan(arms?.control.escalationRate ?? 0);

    // One key's share: only its requests.
    const teamA = (await readExperiments(redis, keys, days, 'team-a'))['lenient-gate'];
    expect(teamA?.variant.requests).toBe(byArm('variant', 'team-a').requests);
    expect(teamA?.control.requests).toBe(byArm('control', 'team-a').requests);

    // The experiment fields are not ledger cells: the totals are the records' as before.
    const { total, groups } = groupLedger(await readLedger(redis, keys, days), 'tier');
    const all = totalsOf(records);
    expect(total).toMatchObject({ requests: 400, attempts: all.attempts, escalations: all.escalations });
    expect(total.costUsd).toBeCloseTo(all.costUsd, 8);
    expect(Object.keys(groups).sort()).toEqual(['complex', 'medium', 'simple']);
  });
});
