import { describe, expect, it } from 'vitest';
import { formatStatsReport, type StatsGroup } from './stats-report.ts';

const group = (requests: number, escalations: number, attempts: number, costUsd: number): StatsGroup => ({
  requests,
  failed: 0,
  attempts,
  escalations,
  cacheHits: 0,
  inputTokens: 10 * attempts,
  outputTokens: 5 * attempts,
  costUsd,
  baselineUsd: 0,
  savedUsd: 0,
  requestShare: requests / 4,
  escalationRate: attempts > 0 ? escalations / attempts : 0,
  savedPercent: 0,
});

describe('the ledger report', () => {
  it('lists groups in ladder order with share, escalations and rate, then cost against all-premium', () => {
    const text = formatStatsReport(
      {
        from: '2026-11-01',
        to: '2026-11-30',
        group_by: 'tier',
        total: { ...group(4, 1, 5, 0.017), requestShare: 1, baselineUsd: 0.04, savedUsd: 0.023, savedPercent: 57.5 },
        groups: { medium: group(1, 0, 1, 0.004), simple: group(3, 1, 4, 0.013) },
      },
      ['simple', 'medium', 'complex'],
    );
    const lines = text.split('\n');
    const simple = lines.findIndex((line) => line.trim().startsWith('simple'));
    const medium = lines.findIndex((line) => line.trim().startsWith('medium'));
    expect(simple).toBeGreaterThan(0);
    expect(medium).toBeGreaterThan(simple);
    expect(lines[simple]).toMatch(/simple\s+3\s+75\.0%\s+1\s+25\.0%\s+\$0\.0130/);
    expect(text).toContain('Cost if all premium tier: $0.0400');
    expect(text).toContain('Saved:                    $0.0230 (57.5%)');
    expect(text).not.toMatch(/complex/);
    expect(text).not.toMatch(/judge/);
  });

  it("says what the LLM judge's share of the cost was when it judged answers", () => {
    const total = { ...group(4, 1, 5, 0.017), requestShare: 1, judgeCalls: 5, judgeCostUsd: 0.0021 };
    const text = formatStatsReport({ from: '2026-11-01', to: '2026-11-30', group_by: 'tier', total, groups: {} });
    expect(text).toContain('Total cost:               $0.0170\n  of which the judge:      $0.0021 (5 answers judged)');
  });
});
