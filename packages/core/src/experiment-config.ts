import { z } from 'zod';
import { strategyNameSchema } from './classifier-config-schema.ts';

/** What an experiment's variant arm changes; everything left out stays as configured. */
export const experimentVariantSchema = z.strictObject({
  /** Replaces these `classifier` settings for the variant's requests. */
  classifier: z
    .strictObject({
      strategies: z.array(strategyNameSchema).min(1).optional(),
      confidenceThreshold: z.number().min(0).max(1).optional(),
      minGap: z.number().min(0).max(1).optional(),
      defaultTier: z.string().optional(),
    })
    .optional(),
  /** Replaces every route's `cascadeMode` for the variant's requests. */
  cascadeMode: z.enum(['classify', 'cheapest-first']).optional(),
  /** The quality gate's threshold on every tier (over a tier's own `qualityThreshold`) for the variant's requests. */
  qualityThreshold: z.number().min(0).max(1).optional(),
});

/**
 * An A/B experiment: `share` of the traffic runs the variant, the rest is its control. Arms are
 * given by a stable hash of the name and the API key id (`sticky: key`: every request of a key
 * in the same arm, so its users see one behaviour) or the request id (`sticky: request`: an even
 * split even with few keys). A variant with nothing in it is an A/A test of the figures.
 */
export const experimentSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'must be lowercase letters, digits, "-" or "_", starting with a letter'),
  share: z.number().min(0).max(1),
  sticky: z.enum(['key', 'request']),
  variant: experimentVariantSchema,
});

export type ExperimentConfig = z.infer<typeof experimentSchema>;

/** The cross-field checks of `experiments`: unique names, tiers that exist. */
export function checkExperiments(
  experiments: readonly ExperimentConfig[],
  tierNames: readonly string[],
  issue: (path: (string | number)[], message: string) => void,
): void {
  const names = experiments.map((experiment) => experiment.name);
  experiments.forEach((experiment, index) => {
    if (names.indexOf(experiment.name) !== index)
      issue(['experiments', index, 'name'], `duplicate experiment "${experiment.name}"`);
    const defaultTier = experiment.variant.classifier?.defaultTier;
    if (defaultTier !== undefined && !tierNames.includes(defaultTier))
      issue(
        ['experiments', index, 'variant', 'classifier', 'defaultTier'],
        `unknown tier "${defaultTier}" (tiers: ${tierNames.join(', ')})`,
      );
    const strategies = experiment.variant.classifier?.strategies ?? [];
    strategies.forEach((strategy, strategyIndex) => {
      if (strategies.indexOf(strategy) !== strategyIndex)
        issue(
          ['experiments', index, 'variant', 'classifier', 'strategies', strategyIndex],
          `duplicate strategy "${strategy}"`,
        );
    });
  });
}
