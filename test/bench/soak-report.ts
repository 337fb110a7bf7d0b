import type { SoakFigures, SoakMeasure } from './soak.ts';

const measureNames: Record<SoakMeasure, string> = {
  rss: 'RSS as found',
  'rss-after-gc': 'RSS after a full GC',
  'heap-used-after-gc': 'JS heap used after a full GC',
  used_memory: 'used_memory',
};

/** The soak's section of the bench report. */
export function soakLines(soak: SoakFigures | undefined): string[] {
  if (soak === undefined) return [];
  const percent = (value: number) => `${Math.round(value * 100)} %`;
  const seconds = (ms: number) => Math.round(ms / 1_000);
  const met = soak.memory.filter((row) => row.judged).every((row) => row.within);
  return [
    `## Soak: ${soak.requests} requests, retention ${soak.retentionSeconds} s`,
    '',
    `Load: ${seconds(soak.loadMs)} s (${soak.requestsPerSecond} requests/s), ${soak.notCompleted} not completed; ` +
      `second sample ${seconds(soak.settleMs)} s after the load stopped; whole soak ${seconds(soak.totalMs)} s.`,
    '',
    '| what | measure | after warm-up (MiB) | after the retention (MiB) | growth | within the bound |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...soak.memory.map(
      (row) =>
        `| ${row.name} | ${measureNames[row.measure]} | ${row.warm} | ${row.end} | ${percent(row.growth)} | ` +
        `${row.judged ? (row.within ? 'yes' : 'no') : 'not judged'} |`,
    ),
    '',
    `- Bound: ${percent(soak.bound)} above the warm-up level: ${met ? 'met' : 'missed'}. ` +
      `Redis keys: ${soak.redisKeys.warm} after warm-up, ${soak.redisKeys.end} at the end.`,
    '- RSS as found is not judged: it counts garbage V8 has not collected yet, and a process that has ' +
      'gone quiet may run no full collection for minutes. The judged figures are read right after a full ' +
      'collection, forced through the inspector each process runs on loopback.',
    '',
  ];
}

/** The report of `pnpm bench --only-soak`: the soak's JSON and its section alone. */
export function soakReport(soak: SoakFigures): { json: object; markdown: string } {
  return { json: { soak }, markdown: ['# pnpm bench --only-soak', '', ...soakLines(soak)].join('\n') };
}
