import { describe, expect, it } from 'vitest';
import { formatQualityReport } from './quality-report.ts';

describe('formatQualityReport', () => {
  it('shows feedback, low share, misroutes and judge scores per tier in ladder order, then per route', () => {
    const figures = (feedback: number, averageScore: number | null, judged = 0) => ({
      feedback,
      averageScore,
      lowShare: feedback > 0 ? 0.5 : 0,
      suspectedMisroutes: feedback > 0 ? 1 : 0,
      judged,
      averageJudgeScore: judged > 0 ? 0.75 : null,
    });
    const text = formatQualityReport(
      {
        lowScore: 0.5,
        total: figures(4, 0.5, 2),
        tiers: { complex: figures(2, 0.6), simple: figures(2, 0.4, 2) },
        routes: { general: figures(4, 0.5) },
      },
      ['simple', 'medium', 'complex'],
    );
    expect(text).toContain('Quality: 4 feedback, average 0.50, 50.0% below 0.5, 1 suspected misroutes; 2 judged');
    const lines = text.split('\n');
    const simple = lines.findIndex((line) => line.trimStart().startsWith('simple'));
    const complex = lines.findIndex((line) => line.trimStart().startsWith('complex'));
    expect(simple).toBeGreaterThan(0);
    expect(complex).toBeGreaterThan(simple);
    expect(lines[simple]).toMatch(/simple\s+2\s+0\.40\s+50\.0%\s+1\s+2\s+0\.75/);
    expect(lines[complex]).toMatch(/complex\s+2\s+0\.60\s+50\.0%\s+1\s+0\s+-/);
    expect(text).toMatch(/general\s+4\s+0\.50/);
  });
});
