import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundledLabeledSetPath, readLabeledSet, readTierModel } from '@switchyard/classifiers';
import {
  developmentSalt,
  evaluateRouteLlm,
  loadRouteLlm,
  renderCurvesSvg,
  splitBuiltIn,
  splitByDirectories,
  type RouteLlmEvaluation,
  type RouteLlmSplit,
} from '@switchyard/lab';
import type { SwitchyardConfig } from '@switchyard/core';
import { percent, table } from './figures.ts';

export interface RouteLlmFlags {
  plot?: string | undefined;
  json?: boolean | undefined;
  trainDir?: string | undefined;
  testDir?: string | undefined;
  testShare?: number | undefined;
  dev?: boolean | undefined;
}

/**
 * `switchyard eval --routellm <dir>` (the built-in split: MMLU subjects, MT-Bench categories and
 * GSM8K prompts held out by a hash of their names) or `--routellm --train-dir A --test-dir B`:
 * every local strategy and the random router, scored on test prompts only; the routers that
 * learn from outcomes learn from the training part. `--dev` splits the training part of the
 * built-in split again, for tuning without looking at its test part. The curves are plotted only
 * to the file `--plot` names: a command that writes files nobody asked for litters working trees.
 */
export function evaluateRouteLlmCommand(
  config: SwitchyardConfig,
  directory: string | undefined,
  flags: RouteLlmFlags,
): void {
  const started = performance.now();
  const modelPath = config.classifier.trained.modelPath;
  const evaluation = evaluateRouteLlm(config, routeLlmSplit(directory, flags), {
    labeledSet: readLabeledSet(bundledLabeledSetPath),
    tierModel: modelPath === undefined ? undefined : readTierModel(modelPath),
  });
  const plot = flags.plot === undefined ? null : resolve(flags.plot);
  if (plot !== null) writeFileSync(plot, renderCurvesSvg(evaluation));
  const durationMs = Math.round(performance.now() - started);
  if (flags.json === true) {
    // The exact curve corners are in the plot; the JSON keeps the curve every 5% of strong share.
    const benchmarks = evaluation.benchmarks.map((benchmark) => ({
      ...benchmark,
      routers: benchmark.routers.map(({ vertices: _vertices, ...router }) => router),
    }));
    process.stdout.write(`${JSON.stringify({ ...evaluation, benchmarks, plot, durationMs })}\n`);
    return;
  }
  process.stdout.write(`${formatRouteLlm(evaluation, plot, durationMs)}\n`);
}

function routeLlmSplit(directory: string | undefined, flags: RouteLlmFlags): RouteLlmSplit {
  if (flags.trainDir !== undefined || flags.testDir !== undefined) {
    if (flags.trainDir === undefined || flags.testDir === undefined || directory !== undefined)
      throw new Error('eval --routellm takes either DIR (built-in split) or both --train-dir A and --test-dir B');
    if (flags.dev === true || flags.testShare !== undefined)
      throw new Error('--dev and --test-share apply to the built-in split only, not to --train-dir/--test-dir');
    return splitByDirectories(loadRouteLlm(flags.trainDir), loadRouteLlm(flags.testDir));
  }
  if (directory === undefined)
    throw new Error('eval --routellm needs a directory: --routellm DIR, or --routellm --train-dir A --test-dir B');
  const split = splitBuiltIn(loadRouteLlm(directory), { testShare: flags.testShare });
  return flags.dev === true ? splitBuiltIn(split.train, { testShare: flags.testShare, salt: developmentSalt }) : split;
}

function formatRouteLlm(evaluation: RouteLlmEvaluation, plot: string | null, durationMs: number): string {
  const dropped = evaluation.benchmarks
    .map((benchmark) => `${benchmark.benchmark} ${benchmark.contaminatedDropped}`)
    .join(', ');
  const lines = [
    `RouteLLM: ${evaluation.split}. Weak ${evaluation.weakModel}, strong ${evaluation.strongModel}.`,
    `Training part: ${evaluation.trainPrompts} prompts. ` +
      `Test prompts dropped: contaminated ${dropped}; also in the training part ${evaluation.overlapDropped}.`,
    '',
  ];
  const figure = (benchmark: RouteLlmEvaluation['benchmarks'][number], value: number) =>
    benchmark.metric === 'accuracy' ? percent(value) : value.toFixed(2);
  // Column names are the JSON field names; the accuracy at every 5% of strong share is the JSON's `curve`.
  const rows = evaluation.benchmarks.flatMap((benchmark) =>
    benchmark.routers.map((router) => [
      benchmark.benchmark,
      String(benchmark.prompts),
      router.router,
      router.apgr === null ? 'n/a' : router.apgr.toFixed(3),
      router.apgrInterval95 === null
        ? 'n/a'
        : `${router.apgrInterval95[0].toFixed(3)}-${router.apgrInterval95[1].toFixed(3)}`,
      router.cpt50 === null ? 'n/a' : percent(router.cpt50),
      router.cpt80 === null ? 'n/a' : percent(router.cpt80),
    ]),
  );
  lines.push(table(['benchmark', 'prompts', 'router', 'apgr', 'apgrInterval95', 'cpt50', 'cpt80'], rows));
  lines.push('', 'Weak and strong alone:');
  for (const benchmark of evaluation.benchmarks) {
    lines.push(
      `  ${benchmark.benchmark}: ${figure(benchmark, benchmark.weakPerformance)} / ` +
        `${figure(benchmark, benchmark.strongPerformance)} (${benchmark.metric})`,
    );
  }
  lines.push('', 'meanApgr (over the benchmarks):');
  for (const [router, value] of Object.entries(evaluation.meanApgr))
    lines.push(`  ${router.padEnd(20)} ${value === null ? 'n/a' : value.toFixed(3)}`);
  lines.push(
    '',
    'apgr: mean performance gap recovered over strong shares 0-100% (random router 0.5); ' +
      'apgrInterval95: 95% bootstrap interval over the prompts.',
    'cpt50/cpt80: smallest strong share reaching 50%/80% of the gap.',
  );
  for (const warning of evaluation.warnings) lines.push(`Warning: ${warning}`);
  lines.push(
    plot === null ? 'Plot: none (write one with --plot <file.svg>)' : `Plot: ${plot}`,
    `Evaluated in ${(durationMs / 1000).toFixed(1)} s.`,
  );
  return lines.join('\n');
}
