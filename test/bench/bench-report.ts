import type { BatchFigures } from './batch-throughput.ts';
import type { StrategySpeed } from './classifier-speed.ts';
import type { OnnxSpeed } from './onnx-embedder-speed.ts';
import type { FloorFigures } from './queue-floor.ts';
import type { SoakFigures } from './soak.ts';
import { soakLines } from './soak-report.ts';
import type { SyncPathFigures } from './sync-path.ts';

export interface BenchInput {
  requests: number;
  classifiers: StrategySpeed[];
  /** The centroid strategy with an ONNX embedder, when a model directory was given. */
  onnx: OnnxSpeed;
  runs: BatchFigures[];
  floor: FloorFigures;
  busiest: string;
  sync: SyncPathFigures | { error: string };
  /** Only with `--soak`. */
  soak?: SoakFigures | undefined;
}

/** The issue's targets, as ratios taken in one run. */
const targets = { floorRatio: 0.8, twoExecutorScaling: 1.6, memoryGrowth: 0.2 };

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 100) / 100);
const verdict = (ok: boolean) => (ok ? 'met' : 'missed');

/** The bench's JSON document and its Markdown table. */
export function benchReport(input: BenchInput): { json: object; markdown: string } {
  const { runs, floor, busiest } = input;
  const [base] = runs;
  if (base === undefined) throw new Error('no batch run');
  const busiestCount = (run: BatchFigures) => run.shape.executors[busiest] ?? 1;
  const withExecutors = (count: number) =>
    runs.find((run) => run.shape.classifiers === 1 && busiestCount(run) === count);
  const twoExecutors = withExecutors(2);
  const floorRatio = ratio(base.requestsPerSecond, floor.jobsPerSecond);
  const scaling = twoExecutors === undefined ? 0 : ratio(twoExecutors.requestsPerSecond, base.requestsPerSecond);
  const growth = Object.entries(base.rssMiB).map(([name, rss]) => ({
    name,
    ...rss,
    growth: ratio(rss.end - rss.warm, rss.warm),
  }));
  const redisGrowth = ratio(base.redisUsedMiB.end - base.redisUsedMiB.warm, base.redisUsedMiB.warm);
  const meanHops = ratio(floor.hops, floor.jobs);

  const lines = [
    `# pnpm bench: ${input.requests} requests a run`,
    '',
    '## Batch throughput against the floor',
    '',
    '| what | requests/s | ratio to floor |',
    '| --- | ---: | ---: |',
    `| bare BullMQ floor, ${meanHops} hops a job, no-op workers | ${floor.jobsPerSecond} | 1.00 |`,
    ...runs.map(
      (run) =>
        `| pipeline: ${run.shape.classifiers} classifier(s), executors ${Object.entries(run.shape.executors)
          .map(([tier, count]) => `${tier}×${count}`)
          .join(' ')} | ${run.requestsPerSecond} | ${ratio(run.requestsPerSecond, floor.jobsPerSecond)} |`,
    ),
    '',
    `- Pipeline (one process per role) / floor: **${floorRatio}** ` +
      `(target ≥ ${targets.floorRatio}: ${verdict(floorRatio >= targets.floorRatio)}).`,
    `- ${busiest} executors 2 / 1: **${scaling}×** ` +
      `(target ≥ ${targets.twoExecutorScaling}×: ${verdict(scaling >= targets.twoExecutorScaling)}).`,
    `- Final tiers of the base run: ${Object.entries(base.tiers)
      .map(([tier, count]) => `${tier} ${count}`)
      .join(', ')}.`,
    '',
    '## Memory (base run): after a 500-request warm-up and at the end',
    '',
    '| process | RSS warm (MiB) | RSS end (MiB) | growth |',
    '| --- | ---: | ---: | ---: |',
    ...growth.map((row) => `| ${row.name} | ${row.warm} | ${row.end} | ${Math.round(row.growth * 100)} % |`),
    `| Redis used_memory | ${base.redisUsedMiB.warm} | ${base.redisUsedMiB.end} | ${Math.round(redisGrowth * 100)} % |`,
    '',
    `Process memory within ${targets.memoryGrowth * 100} % of warm: ` +
      `${verdict(growth.every((row) => row.growth <= targets.memoryGrowth))}. ` +
      'Redis grows with the records and finished jobs kept for the retention period (they are the data, not a leak).',
    '',
    ...syncLines(input.sync),
    ...soakLines(input.soak),
    '## Classification, µs per prompt',
    '',
    '| strategy | mean | p99 | 1 MB prompt | target |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...[...input.classifiers, ...('notMeasured' in input.onnx ? [] : [input.onnx.uncached, input.onnx.memoHit])].map(
      (speed) =>
        `| ${speed.strategy} | ${speed.microsPerPrompt} | ${speed.p99Micros} | ` +
        `${speed.megabyteMicros} | ${speed.targetMicros ?? '—'} |`,
    ),
    ...('notMeasured' in input.onnx
      ? [`| centroid (onnx) | not measured: ${input.onnx.notMeasured} | | | |`]
      : ['', `ONNX model: ${input.onnx.model}.`]),
    '',
  ];
  const { hopsPerRequest: _dropped, ...baseFigures } = base;
  return {
    json: {
      requests: input.requests,
      floor,
      runs: runs.map(({ hopsPerRequest: _hops, ...run }) => run),
      ratios: { pipelineToFloor: floorRatio, twoExecutorsToOne: scaling, busiest },
      memory: { processes: growth, redis: { ...baseFigures.redisUsedMiB, growth: redisGrowth } },
      classifiers: input.classifiers,
      onnxEmbedder: input.onnx,
      sync: input.sync,
      ...(input.soak === undefined ? {} : { soak: input.soak }),
    },
    markdown: lines.join('\n'),
  };
}

/** Added latency = through a router − directly, percentile by percentile, in one run. */
function syncLines(sync: SyncPathFigures | { error: string }): string[] {
  if ('error' in sync) return ['## Synchronous path', '', `Not measured: ${sync.error}`, ''];
  const direct = (clients: number) =>
    sync.runs.find((run) => run.clients === clients && run.target === 'upstream directly');
  const rows = sync.runs.map((run) => {
    const base = direct(run.clients);
    const added = (value: number, floor: number | undefined) =>
      floor === undefined || run === base ? '—' : `${Math.round((value - floor) * 100) / 100}`;
    return (
      `| ${run.target} | ${run.clients} | ${run.p50Ms} | ${run.p99Ms} | ` +
      `${added(run.p50Ms, base?.p50Ms)} | ${added(run.p99Ms, base?.p99Ms)} | ${run.requestsPerSecond} |`
    );
  });
  const one = sync.runs.find((run) => run.clients === 1 && run.target === 'through Switchyard');
  const oneBase = direct(1);
  const many = sync.runs.filter((run) => run.clients === 32);
  const ours = many.find((run) => run.target === 'through Switchyard');
  const gateway = many.find((run) => run.target.includes('gateway'));
  const addedP50 = one && oneBase ? Math.round((one.p50Ms - oneBase.p50Ms) * 100) / 100 : Number.NaN;
  const addedP99 = one && oneBase ? Math.round((one.p99Ms - oneBase.p99Ms) * 100) / 100 : Number.NaN;
  const atLeastGateway = (ours?.requestsPerSecond ?? 0) >= (gateway?.requestsPerSecond ?? Number.POSITIVE_INFINITY);
  return [
    '## Synchronous path: /v1/chat/completions in front of an instant upstream',
    '',
    '| target | clients | p50 ms | p99 ms | added p50 | added p99 | requests/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    `- Added at 1 client: p50 ${addedP50} ms (target ≤ 1.5: ${verdict(addedP50 <= 1.5)}), ` +
      `p99 ${addedP99} ms (target ≤ 8: ${verdict(addedP99 <= 8)}).`,
    `- At 32 clients: Switchyard ${ours?.requestsPerSecond ?? '?'} requests/s, ` +
      `gateway ${gateway?.requestsPerSecond ?? '?'} (target ≥ gateway: ${verdict(atLeastGateway)}).`,
    ...sync.firstChunk.map((row) => `- First streamed chunk ${row.target}: p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms.`),
    '',
  ];
}
