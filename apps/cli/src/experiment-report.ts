import type { ArmStats, ExperimentStats } from '@switchyard/api';

const usd = (value: number) => `$${value.toFixed(6)}`;
const percent = (share: number) => `${(100 * share).toFixed(1)}%`;
const score = (value: number | null) => (value === null ? '-' : value.toFixed(2));
const signed = (value: number, digits: number) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

/** What the variant changes, in config terms: `cascadeMode cheapest-first, classifier.minGap 0.1`. */
export function describeChanges(changes: ExperimentStats['changes']): string {
  if (changes === null) return 'no longer configured';
  const { classifier, ...rest } = changes;
  const text = (value: unknown) => (Array.isArray(value) ? `[${value.join(', ')}]` : String(value));
  const parts = [
    ...Object.entries(classifier ?? {}).map(([name, value]) => `classifier.${name} ${text(value)}`),
    ...Object.entries(rest).map(([name, value]) => `${name} ${text(value)}`),
  ];
  return parts.length === 0 ? 'nothing (an A/A test)' : parts.join(', ');
}

function row(arm: string, figures: ArmStats): string {
  return (
    `  ${arm.padEnd(8)} ${String(figures.requests).padStart(9)} ${String(figures.failed).padStart(7)}` +
    ` ${String(figures.attempts).padStart(9)} ${String(figures.escalations).padStart(10)}` +
    ` ${percent(figures.escalationRate).padStart(7)} ${usd(figures.costUsd).padStart(12)}` +
    ` ${usd(figures.costPerRequestUsd).padStart(12)} ${String(figures.quality.feedback).padStart(9)}` +
    ` ${score(figures.quality.averageScore).padStart(6)} ${String(figures.quality.judged).padStart(7)}` +
    ` ${score(figures.quality.averageJudgeScore).padStart(10)}`
  );
}

/** The variant's figures against the control's: relative cost per request, rate and score differences. */
function comparison({ variant, control }: ExperimentStats): string {
  if (variant.requests === 0 || control.requests === 0)
    return 'Variant against control: not both arms have requests yet';
  const parts = [
    control.costPerRequestUsd > 0
      ? `cost per request ${signed((100 * variant.costPerRequestUsd) / control.costPerRequestUsd - 100, 1)}%`
      : `cost per request ${usd(variant.costPerRequestUsd)} against ${usd(control.costPerRequestUsd)}`,
    `escalation rate ${signed(100 * (variant.escalationRate - control.escalationRate), 1)} points`,
  ];
  const [variantScore, controlScore] = [variant.quality.averageScore, control.quality.averageScore];
  if (variantScore !== null && controlScore !== null)
    parts.push(`feedback average ${signed(variantScore - controlScore, 2)}`);
  const [variantJudge, controlJudge] = [variant.quality.averageJudgeScore, control.quality.averageJudgeScore];
  if (variantJudge !== null && controlJudge !== null)
    parts.push(`judge average ${signed(variantJudge - controlJudge, 2)}`);
  return `Variant against control: ${parts.join(', ')}`;
}

/** `switchyard report --experiment NAME`: the two arms side by side, then the variant against the control. */
export function formatExperimentReport(name: string, experiment: ExperimentStats, from: string, to: string): string {
  const split =
    experiment.share === null
      ? 'not in the config any more'
      : `${percent(experiment.share)} of traffic, sticky per ${experiment.sticky ?? '?'}`;
  const header =
    `  ${'arm'.padEnd(8)} ${'requests'.padStart(9)} ${'failed'.padStart(7)} ${'attempts'.padStart(9)}` +
    ` ${'escalated'.padStart(10)} ${'rate'.padStart(7)} ${'cost'.padStart(12)} ${'per request'.padStart(12)}` +
    ` ${'feedback'.padStart(9)} ${'avg'.padStart(6)} ${'judged'.padStart(7)} ${'judge avg'.padStart(10)}`;
  return [
    `Experiment ${name}, ${from} to ${to} (UTC days): ${split}`,
    `The variant changes: ${describeChanges(experiment.changes)}`,
    '',
    header,
    row('variant', experiment.variant),
    row('control', experiment.control),
    '',
    comparison(experiment),
  ].join('\n');
}
