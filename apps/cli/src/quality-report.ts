import type { QualityFigures } from '@switchyard/queue';

/** The quality monitor's figures of one tier or route, as `GET /v1/stats` returns them. */
export type QualityFiguresBody = QualityFigures;

export interface QualityBody {
  lowScore: number;
  total: QualityFiguresBody;
  tiers: Record<string, QualityFiguresBody>;
  routes: Record<string, QualityFiguresBody>;
}

const score = (value: number | null) => (value === null ? '-' : value.toFixed(2));
const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

function table(title: string, groups: Record<string, QualityFiguresBody>, order: readonly string[]): string[] {
  const names = [...order.filter((name) => name in groups), ...Object.keys(groups).filter((n) => !order.includes(n))];
  const header =
    `  ${title.padEnd(20)} ${'feedback'.padStart(9)} ${'avg'.padStart(6)} ${'low'.padStart(7)}` +
    ` ${'misroutes'.padStart(10)} ${'judged'.padStart(7)} ${'judge avg'.padStart(10)}`;
  return [
    header,
    ...names.map((name) => {
      const group = groups[name] as QualityFiguresBody;
      return (
        `  ${name.padEnd(20)} ${String(group.feedback).padStart(9)} ${score(group.averageScore).padStart(6)}` +
        ` ${percent(group.lowShare).padStart(7)} ${String(group.suspectedMisroutes).padStart(10)}` +
        ` ${String(group.judged).padStart(7)} ${score(group.averageJudgeScore).padStart(10)}`
      );
    }),
  ];
}

/** The quality monitor: feedback and judge scores per tier (in ladder order) and per route. */
export function formatQualityReport(quality: QualityBody, tierOrder: readonly string[] = []): string {
  const { total } = quality;
  return [
    `Quality: ${total.feedback} feedback, average ${score(total.averageScore)}, ` +
      `${percent(total.lowShare)} below ${quality.lowScore}, ${total.suspectedMisroutes} suspected misroutes; ` +
      `${total.judged} judged, average ${score(total.averageJudgeScore)}`,
    '',
    ...table('tier', quality.tiers, tierOrder),
    '',
    ...table('route', quality.routes, []),
  ].join('\n');
}
