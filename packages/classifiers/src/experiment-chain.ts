import { assignExperiment, type ExperimentConfig } from '@switchyard/core';
import type { ClassifierChain } from './classifier-chain-contract.ts';

/** The chain of one experiment's variant arm. */
export interface VariantChain {
  chain: ClassifierChain;
  /** False when it runs the control's strategy objects (their counters are the control's). */
  ownStrategies: boolean;
}

/**
 * The chain that decides a request by its experiment arm: a variant's requests by the variant's
 * chain, every other by the control, each decision naming the experiment and arm. Explanations
 * (`POST /v1/route`, `switchyard route`) have no subject and show the control.
 */
export function withExperiments(
  experiments: readonly ExperimentConfig[],
  control: ClassifierChain,
  variants: ReadonlyMap<string, VariantChain>,
): ClassifierChain {
  return {
    async classify(request, subject) {
      const experiment = subject === undefined ? undefined : assignExperiment(experiments, subject);
      if (experiment === undefined) return control.classify(request);
      const chain = experiment.arm === 'variant' ? (variants.get(experiment.name)?.chain ?? control) : control;
      return { ...(await chain.classify(request)), experiment };
    },
    explain: (request) => control.explain(request),
    async ready() {
      await Promise.all(
        [control, ...[...variants.values()].map((variant) => variant.chain)].map((chain) => chain.ready()),
      );
    },
    counters() {
      // Strategies of the same name in several chains count into one figure per strategy.
      const all: Record<string, Record<string, number>> = {};
      const chains = [control, ...[...variants.values()].filter((v) => v.ownStrategies).map((v) => v.chain)];
      for (const chain of chains) {
        for (const [strategy, counters] of Object.entries(chain.counters())) {
          const into = (all[strategy] ??= {});
          for (const [name, value] of Object.entries(counters)) into[name] = (into[name] ?? 0) + value;
        }
      }
      return all;
    },
  };
}
