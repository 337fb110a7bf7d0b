import { checkLabeledTiers, llmDeploymentRef, readLabeledSet } from '@switchyard/classifiers';
import { evaluateLabeledSet, type Candidate } from '@switchyard/lab';
import { parseConfig, type StrategyName, type SwitchyardConfig } from '@switchyard/core';
import { boot, llmDeployment, type CommonFlags } from '@switchyard/bootstrap';
import { formatLabeledEvaluation } from './eval-labeled-output.ts';
import { evaluateRouteLlmCommand } from './eval-routellm.ts';
import { parseShare } from './figures.ts';
import { readLabeledSets } from './labeled-files.ts';

export interface EvalFlags extends CommonFlags {
  json?: boolean | undefined;
  folds?: string | undefined;
  chain?: string | undefined;
  'strong-share'?: string | undefined;
  'train-set'?: string | undefined;
  routellm?: boolean | undefined;
  'train-dir'?: string | undefined;
  'test-dir'?: string | undefined;
  'test-share'?: string | undefined;
  dev?: boolean | undefined;
  plot?: string | undefined;
}

const localStrategies: StrategyName[] = ['keywords', 'rules', 'centroid', 'trained'];

/**
 * `switchyard eval <labeled.jsonl>`: every local strategy alone and the configured chain (or
 * `--chain a,b,c`), cross-validated on the file (or trained on `--train-set` and tested on the
 * file). The llm strategy is measured too when the chain lists it and its deployment
 * (`classifier.llm`) has a real model behind it, e.g. a local vLLM or Ollama server; its
 * counters (calls, invalid answers, cache hits) are printed, and a note says how many of its
 * verdicts fell through, since those count at the default tier.
 */
export async function evaluate(file: string | undefined, flags: EvalFlags): Promise<void> {
  const context = boot(flags);
  if (flags.routellm === true)
    return evaluateRouteLlmCommand(context.config, file, {
      plot: flags.plot,
      json: flags.json,
      trainDir: flags['train-dir'],
      testDir: flags['test-dir'],
      testShare: parseShare(flags['test-share'], '--test-share'),
      dev: flags.dev,
    });
  const folds = flags.folds === undefined ? undefined : parseFolds(flags.folds);
  if (file === undefined)
    throw new Error('eval needs a labeled file: switchyard eval <labeled.jsonl> (or --routellm <dir>)');
  const chainStrategies =
    flags.chain === undefined ? context.config.classifier.strategies : parseChain(flags.chain, context.config);
  const tiers = context.config.tiers.map((tier) => tier.name);
  const examples = readLabeledSet(file);
  checkLabeledTiers(examples, tiers, file);
  // --train-set a.jsonl,b.jsonl: several files as one training set.
  const trainingSet =
    flags['train-set'] === undefined ? undefined : readLabeledSets(flags['train-set'].split(','), tiers);

  const notes: string[] = [];
  const candidates: Candidate[] = localStrategies.map((name) => ({ name, strategies: [name] }));
  // The llm strategy costs a model call per prompt: measured only when the chain lists it.
  const llm = chainStrategies.includes('llm') ? llmDeployment(context.config, context.providers()) : undefined;
  if (llm === undefined)
    notes.push('llm: not measured (not in the chain; add it with --chain, e.g. --chain rules,keywords,llm)');
  else if (llm.simulated)
    notes.push(
      `llm: unavailable, ${llm.adapter.name}/${llm.model} is answered by the simulated provider (no API key); ` +
        'in the chain it falls through',
    );
  else {
    const { tier, deploymentIndex } = llmDeploymentRef(context.config);
    notes.push(
      `llm: measured with ${llm.adapter.name}/${llm.model} (classifier.llm: tier ${tier}, deployment ` +
        `${deploymentIndex}); folds and candidates share one verdict cache and one breaker`,
    );
    candidates.push({ name: 'llm', strategies: ['llm'] });
  }
  candidates.push({ name: 'chain', strategies: chainStrategies });

  const evaluation = await evaluateLabeledSet(context.config, examples, {
    candidates,
    folds,
    strongShare: parseShare(flags['strong-share'], '--strong-share'),
    trainingSet,
    env: context.env.variables,
    ...(llm === undefined || llm.simulated ? {} : { llm }),
  });
  const measured = evaluation.results.find((result) => result.name === 'llm')?.counters.llm;
  if (measured !== undefined) notes.push(...fallThroughNote(measured, context.config.classifier.defaultTier));
  const report = { labeledSet: file, trainingSet: flags['train-set'] ?? null, ...evaluation, notes };
  process.stdout.write(`${flags.json === true ? JSON.stringify(report) : formatLabeledEvaluation(report, tiers)}\n`);
}

/** Verdicts the llm did not give count at the default tier: the accuracy is then not the model's alone. */
function fallThroughNote(counters: Record<string, number>, defaultTier: string): string[] {
  const { failed = 0, invalid = 0, breakerOpen = 0, answered = 0, cacheHits = 0 } = counters;
  const fell = failed + invalid + breakerOpen;
  if (fell === 0) return [];
  return [
    `llm: ${fell} of ${fell + answered + cacheHits} verdicts fell through (failed ${failed}, invalid ${invalid}, ` +
      `breaker open ${breakerOpen}) and count at the default tier ${defaultTier}: check the server and the model`,
  ];
}

function parseChain(value: string, config: SwitchyardConfig): StrategyName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return parseConfig({ ...config, classifier: { ...config.classifier, strategies: names } }, `--chain "${value}"`)
    .classifier.strategies;
}

function parseFolds(value: string): number {
  const folds = Number(value);
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`--folds: "${value}" is not an integer of at least 2`);
  return folds;
}
