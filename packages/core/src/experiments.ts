import type { StrategyName, SwitchyardConfig, TierConfig } from './config-schema.ts';
import type { ExperimentConfig } from './experiment-config.ts';
import type { ExperimentArm } from './request-record.ts';
import { stableUnit } from './stable-hash.ts';

/** Who a request is, for the experiments' hash: the submitting key and the request's own id. */
export interface ExperimentSubject {
  keyId: string;
  requestId: string;
}

/** The experiment's bucket in [0, 1) of a key or request id; below `share` is the variant. */
export function experimentBucket(name: string, id: string): number {
  // Names cannot hold ":", so no two (name, id) pairs share the hashed text.
  return stableUnit(`${name}:${id}`);
}

/**
 * The experiment and arm of a request. Experiments are looked at in order, each with its own
 * hash (of its name and the key or request id its `sticky` names): the first whose bucket falls
 * under its `share` takes the request into its variant. A request that no variant takes runs the
 * configuration as it is, and is counted as the control of one experiment, chosen by a hash of
 * the request id in proportion to the shares; with one experiment, that one. So each experiment
 * gets a control drawn from the same untouched traffic, and a request counts in one place only.
 */
export function assignExperiment(
  experiments: readonly ExperimentConfig[],
  subject: ExperimentSubject,
): ExperimentArm | undefined {
  const [first] = experiments;
  if (first === undefined) return undefined;
  for (const experiment of experiments) {
    const id = experiment.sticky === 'key' ? subject.keyId : subject.requestId;
    if (experimentBucket(experiment.name, id) < experiment.share) return { name: experiment.name, arm: 'variant' };
  }
  const totalShare = experiments.reduce((sum, experiment) => sum + experiment.share, 0);
  if (experiments.length === 1 || totalShare === 0) return { name: first.name, arm: 'control' };
  let point = stableUnit(`control:${subject.requestId}`) * totalShare;
  for (const experiment of experiments) {
    point -= experiment.share;
    if (point < 0) return { name: experiment.name, arm: 'control' };
  }
  // Only float rounding reaches here: the last experiment with a share.
  const last = experiments.findLast((experiment) => experiment.share > 0) ?? first;
  return { name: last.name, arm: 'control' };
}

/**
 * The configuration the variant's requests are classified with: its classifier settings over the
 * configured ones, and its `cascadeMode` on every route. Without experiments of its own.
 */
export function variantConfig(config: SwitchyardConfig, experiment: ExperimentConfig): SwitchyardConfig {
  const { classifier, cascadeMode } = experiment.variant;
  const overrides = Object.fromEntries(Object.entries(classifier ?? {}).filter(([, value]) => value !== undefined));
  return {
    ...config,
    experiments: [],
    classifier: { ...config.classifier, ...overrides },
    routes: cascadeMode === undefined ? config.routes : config.routes.map((route) => ({ ...route, cascadeMode })),
  };
}

/** Whether the variant changes how requests are classified (else its chain can share the control's strategies). */
export function variantChangesStrategies(experiment: ExperimentConfig): boolean {
  return Object.values(experiment.variant.classifier ?? {}).some((value) => value !== undefined);
}

/** Every strategy the control or any variant runs, once each. */
export function configuredStrategies(config: Pick<SwitchyardConfig, 'classifier' | 'experiments'>): StrategyName[] {
  const all = [
    ...config.classifier.strategies,
    ...config.experiments.flatMap((experiment) => experiment.variant.classifier?.strategies ?? []),
  ];
  return [...new Set(all)];
}

/**
 * The quality gate's threshold for an answer on `tier`: a variant's `qualityThreshold` for its
 * requests, else the tier's own, else `cascade.qualityThreshold`. An experiment removed from the
 * config while its requests still run leaves them the configured gate.
 */
export function qualityThresholdOf(
  config: Pick<SwitchyardConfig, 'cascade' | 'experiments'>,
  tier: Pick<TierConfig, 'qualityThreshold'>,
  experiment?: ExperimentArm,
): number {
  if (experiment?.arm === 'variant') {
    const variant = config.experiments.find((candidate) => candidate.name === experiment.name)?.variant;
    if (variant?.qualityThreshold !== undefined) return variant.qualityThreshold;
  }
  return tier.qualityThreshold ?? config.cascade.qualityThreshold;
}
