import type { SwitchyardConfig } from '@switchyard/core';
import {
  armTotals,
  type ExperimentArmName,
  type ExperimentArmTotals,
  type ExperimentTotals,
  type QualityFigures,
} from '@switchyard/queue';

/** One arm in `GET /v1/stats`: its ledger totals and the feedback and judge scores of its requests. */
export type ArmStats = ExperimentArmTotals & {
  quality: Pick<QualityFigures, 'feedback' | 'averageScore' | 'lowShare' | 'judged' | 'averageJudgeScore'>;
};

export interface ExperimentStats {
  /** False for an experiment no longer in the config whose requests are still in the days asked. */
  configured: boolean;
  share: number | null;
  sticky: 'key' | 'request' | null;
  /** What the variant changes, as configured. */
  changes: SwitchyardConfig['experiments'][number]['variant'] | null;
  variant: ArmStats;
  control: ArmStats;
}

const noQuality: ArmStats['quality'] = {
  feedback: 0,
  averageScore: null,
  lowShare: 0,
  judged: 0,
  averageJudgeScore: null,
};

/**
 * The `experiments` section of the stats: every configured experiment (in config order, with
 * zeros before its first request) and every other one the days hold, both arms each.
 */
export function experimentStats(
  config: Pick<SwitchyardConfig, 'experiments'>,
  ledger: Readonly<Record<string, ExperimentTotals>>,
  quality: Readonly<Record<string, Readonly<Record<string, QualityFigures>>>>,
): Record<string, ExperimentStats> {
  const names = [
    ...config.experiments.map((experiment) => experiment.name),
    ...[...Object.keys(ledger), ...Object.keys(quality)].sort(),
  ];
  const stats: Record<string, ExperimentStats> = {};
  for (const name of names) {
    if (name in stats) continue;
    const configured = config.experiments.find((experiment) => experiment.name === name);
    const arm = (which: ExperimentArmName): ArmStats => {
      const figures = quality[name]?.[which];
      return {
        ...(ledger[name]?.[which] ?? armTotals({})),
        quality:
          figures === undefined
            ? noQuality
            : {
                feedback: figures.feedback,
                averageScore: figures.averageScore,
                lowShare: figures.lowShare,
                judged: figures.judged,
                averageJudgeScore: figures.averageJudgeScore,
              },
      };
    };
    stats[name] = {
      configured: configured !== undefined,
      share: configured?.share ?? null,
      sticky: configured?.sticky ?? null,
      changes: configured?.variant ?? null,
      variant: arm('variant'),
      control: arm('control'),
    };
  }
  return stats;
}
