import type { ResultLine } from './api-client.ts';

export interface BatchReport {
  requests: number;
  completed: number;
  failed: number;
  /** Requests answered on each tier (the tier of the answer served). */
  byTier: Record<string, number>;
  /** Requests first routed to each tier. */
  routedByTier: Record<string, number>;
  byRoute: Record<string, number>;
  escalatedRequests: number;
  escalations: number;
  costUsd: number;
  baselineCostUsd: number;
  savingPercent: number;
  simulatedAnswers: number;
}

export function buildReport(lines: readonly ResultLine[]): BatchReport {
  const count = (record: Record<string, number>, key: string | null) => {
    const name = key ?? '(none)';
    record[name] = (record[name] ?? 0) + 1;
  };
  const report: BatchReport = {
    requests: lines.length,
    completed: 0,
    failed: 0,
    byTier: {},
    routedByTier: {},
    byRoute: {},
    escalatedRequests: 0,
    escalations: 0,
    costUsd: 0,
    baselineCostUsd: 0,
    savingPercent: 0,
    simulatedAnswers: 0,
  };
  for (const line of lines) {
    if (line.status === 'completed') report.completed += 1;
    if (line.status === 'failed') report.failed += 1;
    if (line.tier !== null) count(report.byTier, line.tier);
    count(report.routedByTier, line.routed_tier);
    count(report.byRoute, line.route);
    if (line.escalations > 0) report.escalatedRequests += 1;
    report.escalations += line.escalations;
    report.costUsd += line.cost_usd;
    report.baselineCostUsd += line.baseline_cost_usd;
    if (line.simulated === true) report.simulatedAnswers += 1;
  }
  report.savingPercent =
    report.baselineCostUsd > 0 ? (100 * (report.baselineCostUsd - report.costUsd)) / report.baselineCostUsd : 0;
  return report;
}

const usd = (value: number) => `$${value.toFixed(4)}`;

export function formatReport(report: BatchReport, tierOrder: readonly string[]): string {
  const tiers = [...new Set([...tierOrder, ...Object.keys(report.byTier), ...Object.keys(report.routedByTier)])].filter(
    (tier) => tier !== '(none)',
  );
  const rows = tiers.map((tier) =>
    [
      `  ${tier.padEnd(12)}`,
      String(report.routedByTier[tier] ?? 0).padStart(8),
      String(report.byTier[tier] ?? 0).padStart(10),
    ].join(' '),
  );
  return [
    `Requests: ${report.requests} (${report.completed} completed, ${report.failed} failed)`,
    '',
    `  ${'tier'.padEnd(12)} ${'routed'.padStart(8)} ${'answered'.padStart(10)}`,
    ...rows,
    '',
    `Routes: ${Object.entries(report.byRoute)
      .map(([route, n]) => `${route} ${n}`)
      .join(', ')}`,
    `Escalations: ${report.escalations} (${report.escalatedRequests} requests escalated at least once)`,
    `Total cost:               ${usd(report.costUsd)}`,
    `Cost if all premium tier: ${usd(report.baselineCostUsd)}`,
    `Saving:                   ${report.savingPercent.toFixed(1)}%`,
    ...(report.simulatedAnswers > 0
      ? [
          `(${report.simulatedAnswers} answers are simulated: ` +
            'costs use the configured prices with simulated token counts)',
        ]
      : []),
  ].join('\n');
}
