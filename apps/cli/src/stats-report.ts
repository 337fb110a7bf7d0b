import type { ExperimentStats } from '@switchyard/api';
import { formatQualityReport, type QualityBody } from './quality-report.ts';

/** One group of `GET /v1/stats`. */
export interface StatsGroup {
  requests: number;
  failed: number;
  attempts: number;
  escalations: number;
  cacheHits: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  baselineUsd: number;
  savedUsd: number;
  requestShare: number;
  escalationRate: number;
  savedPercent: number;
  /** Absent from an API without the LLM judge. */
  judgeCalls?: number;
  judgeCostUsd?: number;
}

export interface StatsBody {
  from: string;
  to: string;
  group_by: string;
  total: StatsGroup;
  groups: Record<string, StatsGroup>;
  quality?: QualityBody;
  /** Both arms of every experiment (see `formatExperimentReport`). */
  experiments?: Record<string, ExperimentStats>;
}

const usd = (value: number) => `$${value.toFixed(4)}`;
const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

/**
 * The ledger report: requests per group with their share, escalations and escalation rate,
 * cost, what all-premium would have cost, and the saving. Groups follow `order` (the tier ladder
 * for `--by tier`), then the rest by name.
 */
export function formatStatsReport(stats: StatsBody, order: readonly string[] = []): string {
  const names = [
    ...order.filter((name) => name in stats.groups),
    ...Object.keys(stats.groups)
      .filter((name) => !order.includes(name))
      .sort(),
  ];
  const header = [
    `  ${stats.group_by.padEnd(28)}`,
    'requests'.padStart(9),
    'share'.padStart(7),
    'escalated'.padStart(10),
    'rate'.padStart(7),
    'cost'.padStart(11),
  ].join(' ');
  const rows = names.map((name) => {
    const group = stats.groups[name] as StatsGroup;
    return [
      `  ${name.padEnd(28)}`,
      String(group.requests).padStart(9),
      percent(group.requestShare).padStart(7),
      String(group.escalations).padStart(10),
      percent(group.escalationRate).padStart(7),
      usd(group.costUsd).padStart(11),
    ].join(' ');
  });
  const { total } = stats;
  return [
    `Ledger ${stats.from} to ${stats.to} (UTC days)`,
    `Requests: ${total.requests} (${total.failed} failed, ${total.cacheHits} from the cache), ` +
      `attempts ${total.attempts}`,
    '',
    header,
    ...rows,
    '',
    `Escalations: ${total.escalations} (${percent(total.escalationRate)} of attempts)`,
    `Tokens: ${total.inputTokens} in, ${total.outputTokens} out`,
    `Total cost:               ${usd(total.costUsd)}`,
    ...((total.judgeCalls ?? 0) > 0
      ? [`  of which the judge:      ${usd(total.judgeCostUsd ?? 0)} (${total.judgeCalls} answers judged)`]
      : []),
    `Cost if all premium tier: ${usd(total.baselineUsd)}`,
    `Saved:                    ${usd(total.savedUsd)} (${total.savedPercent.toFixed(1)}%)`,
    ...(stats.quality === undefined
      ? []
      : ['', formatQualityReport(stats.quality, stats.group_by === 'tier' ? order : [])]),
  ].join('\n');
}
