import { checkLabeledTiers, readLabeledSet, writeTierModel } from '@switchyard/classifiers';
import { trainTierModel } from '@switchyard/lab';
import { TierLadder } from '@switchyard/core';
import { boot, type CommonFlags } from '@switchyard/bootstrap';
import { parseShare, percent } from './figures.ts';

export interface TrainFlags extends CommonFlags {
  output?: string | undefined;
  'strong-share'?: string | undefined;
  json?: boolean | undefined;
}

/**
 * `switchyard train <labeled.jsonl> -o <model.json> [--strong-share 0.3]`: trains the tier model
 * of the trained strategy for the configured ladder and writes it. The same file and flags give
 * the same model, byte for byte.
 */
export async function train(file: string | undefined, flags: TrainFlags): Promise<void> {
  if (file === undefined)
    throw new Error('train needs a labeled file: switchyard train <labeled.jsonl> -o <model.json>');
  if (flags.output === undefined) throw new Error('train needs an output file: -o <model.json>');
  const { config } = boot(flags);
  const tiers = new TierLadder(config).names;
  const examples = readLabeledSet(file);
  checkLabeledTiers(examples, tiers, file);
  const strongShare = parseShare(flags['strong-share'], '--strong-share');
  const model = trainTierModel(examples, { tiers, strongShare });
  writeTierModel(flags.output, model);

  const summary = {
    output: flags.output,
    examples: model.training.examples,
    byTier: model.training.byTier,
    crossValidatedAccuracy: model.training.crossValidatedAccuracy,
    strongTier: model.calibration.strongTier,
    targetStrongShare: model.calibration.targetStrongShare,
    crossValidatedStrongShare: model.calibration.crossValidatedStrongShare,
    logitOffset: model.calibration.logitOffset,
    weightRows: model.weights.indices.length,
  };
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const counts = Object.entries(summary.byTier)
    .map(([tier, count]) => `${tier} ${count}`)
    .join(', ');
  process.stdout.write(
    `${[
      `Trained on ${summary.examples} labeled prompts (${counts}).`,
      `Cross-validated tier accuracy (5 folds): ${percent(summary.crossValidatedAccuracy)}`,
      `Strong tier "${summary.strongTier}": target share ${percent(summary.targetStrongShare)}, held-out share ${percent(summary.crossValidatedStrongShare)} (logit offset ${summary.logitOffset}).`,
      `Wrote ${summary.output} (${summary.weightRows} weight rows). Use it with classifier.trained.modelPath.`,
    ].join('\n')}\n`,
  );
}
