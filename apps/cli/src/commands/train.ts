import { signalStrategyNames, writeTierModel } from '@switchyard/classifiers';
import { trainTierModel } from '@switchyard/lab';
import { TierLadder } from '@switchyard/core';
import { boot, type CommonFlags } from '@switchyard/bootstrap';
import { parseShare, percent } from './figures.ts';
import { readLabeledSets } from './labeled-files.ts';

export interface TrainFlags extends CommonFlags {
  output?: string | undefined;
  'strong-share'?: string | undefined;
  json?: boolean | undefined;
  'text-only'?: boolean | undefined;
}

/**
 * `switchyard train <labeled.jsonl> -o <model.json> [--strong-share 0.3]`: trains the tier model
 * of the trained strategy for the configured ladder and writes it. The same file and flags give
 * the same model, byte for byte.
 */
export async function train(files: readonly string[], flags: TrainFlags): Promise<void> {
  if (files.length === 0)
    throw new Error('train needs a labeled file: switchyard train <labeled.jsonl>... -o <model.json>');
  if (flags.output === undefined) throw new Error('train needs an output file: -o <model.json>');
  const { config } = boot(flags);
  const tiers = new TierLadder(config).names;
  const examples = readLabeledSets(files, tiers);
  const strongShare = parseShare(flags['strong-share'], '--strong-share');
  // The rules' and keywords' verdicts are inputs unless --text-only: the model learns how far to trust each.
  const signals = flags['text-only'] === true ? undefined : { config, strategies: signalStrategyNames };
  const model = trainTierModel(examples, { tiers, strongShare, signals });
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
    temperature: model.calibration.temperature ?? 1,
    crossValidatedEce: model.calibration.crossValidatedEce ?? null,
    signals: model.features.signals ?? [],
    weightRows: model.weights.indices.length,
  };
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const counts = Object.entries(summary.byTier)
    .map(([tier, count]) => `${tier} ${count}`)
    .join(', ');
  const verdicts = summary.signals.length === 0 ? '' : `, and the verdicts of ${summary.signals.join(' and ')}`;
  const heldOutEce = summary.crossValidatedEce === null ? 'n/a' : percent(summary.crossValidatedEce);
  process.stdout.write(
    `${[
      `Trained on ${summary.examples} labeled prompts (${counts}).`,
      `Cross-validated tier accuracy (5 folds): ${percent(summary.crossValidatedAccuracy)}`,
      `Inputs: hashed n-grams and shape${verdicts}.`,
      `Calibration: temperature ${summary.temperature}; expected calibration error on held-out folds ${heldOutEce}.`,
      `Strong tier "${summary.strongTier}": target share ${percent(summary.targetStrongShare)}, ` +
        `held-out share ${percent(summary.crossValidatedStrongShare)} (logit offset ${summary.logitOffset}).`,
      `Wrote ${summary.output} (${summary.weightRows} weight rows). Use it with classifier.trained.modelPath.`,
    ].join('\n')}\n`,
  );
}
