import type { ArmStats, ExperimentStats } from '@switchyard/api';
import { describe, expect, it } from 'vitest';
import { describeChanges, formatExperimentReport } from './experiment-report.ts';

const arm = (requests: number, costUsd: number, escalations: number, averageScore: number | null): ArmStats => ({
  requests,
  failed: 0,
  attempts: requests + escalations,
  escalations,
  costUsd,
  baselineUsd: 0,
  costPerRequestUsd: requests > 0 ? costUsd / requests : 0,
  escalationRate: requests + escalations > 0 ? escalations / (requests + escalations) : 0,
  quality: { feedback: averageScore === null ? 0 : 2, averageScore, lowShare: 0, judged: 0, averageJudgeScore: null },
});

const experiment = (variant: ArmStats, control: ArmStats): ExperimentStats => ({
  configured: true,
  share: 0.2,
  sticky: 'request',
  changes: { qualityThreshold: 0.5, classifier: { strategies: ['rules', 'keywords'] } },
  variant,
  control,
});

describe('the experiment report', () => {
  it('puts the arms side by side and the variant against the control', () => {
    const text = formatExperimentReport('gate', experiment(arm(20, 0.01, 5, 0.6), arm(80, 0.08, 0, 0.8)), 'a', 'b');
    expect(text).toContain('Experiment gate, a to b (UTC days): 20.0% of traffic, sticky per request');
    expect(text).toContain('The variant changes: classifier.strategies [rules, keywords], qualityThreshold 0.5');
    expect(text).toMatch(/^ {2}variant\s+20\s+0\s+25\s+5\s+20\.0%\s+\$0\.010000\s+\$0\.000500\s+2\s+0\.60\s/m);
    expect(text).toMatch(/^ {2}control\s+80\s+0\s+80\s+0\s+0\.0%\s+\$0\.080000\s+\$0\.001000\s+2\s+0\.80\s/m);
    expect(text).toContain(
      'Variant against control: cost per request -50.0%, escalation rate +20.0 points, feedback average -0.20',
    );
  });

  it('says so when an arm has no requests yet, and names an A/A test or a removed experiment', () => {
    const text = formatExperimentReport('gate', experiment(arm(3, 0.01, 0, null), arm(0, 0, 0, null)), 'a', 'b');
    expect(text).toContain('Variant against control: not both arms have requests yet');
    expect(describeChanges({})).toBe('nothing (an A/A test)');
    expect(describeChanges(null)).toBe('no longer configured');
  });
});
