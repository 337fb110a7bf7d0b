import {
  bundledLabeledSetPath,
  createCentroidStrategy,
  createClassifierChain,
  createHashingEmbedder,
  createKeywordsStrategy,
  createRulesStrategy,
  createTrainedStrategy,
  parseTierModel,
  readLabeledSet,
  readTierModel,
} from '@switchyard/classifiers';
import { trainTierModel } from '@switchyard/lab';
import { loadConfig, type StrategyVerdict } from '@switchyard/core';

export interface StrategySpeed {
  strategy: string;
  prompts: number;
  /** Mean time per prompt over the labeled set, after a warm-up pass. */
  microsPerPrompt: number;
  p99Micros: number;
  /** One prompt of 1 MB (a pasted document), mean of a few calls. */
  megabyteMicros: number;
  targetMicros: number | null;
  meetsTarget: boolean | null;
}

/**
 * The targets per prompt: keywords, rules and trained read a few hundred n-grams or run a
 * few dozen regexes; centroid also compares against every centroid.
 */
const targets: Record<string, number> = { keywords: 50, rules: 50, trained: 100, centroid: 500, chain: 100 };
/** Each strategy is timed for at least this long (and at least 3 passes) so one GC pause does not decide. */
const minimumMs = 300;

/** Per-prompt classification time of every local strategy and of the default chain, over the labeled set. */
export async function benchClassifiers(): Promise<StrategySpeed[]> {
  const config = loadConfig();
  const examples = readLabeledSet(bundledLabeledSetPath);
  const prompts = examples.map((example) => example.prompt);
  const tiers = config.tiers.map((tier) => tier.name);
  // The shipped model (it reads the rules, keywords and demand signals too), or one trained here
  // for a config without it.
  const modelPath = config.classifier.trained.modelPath;
  const model =
    modelPath === undefined
      ? parseTierModel(trainTierModel(examples, { tiers }), 'bench model')
      : readTierModel(modelPath);
  const strategies: [string, (prompt: string) => unknown][] = [
    ['keywords', classifierOf(createKeywordsStrategy(config))],
    ['rules', classifierOf(createRulesStrategy(config))],
    ['centroid', classifierOf(createCentroidStrategy(config, { embedder: createHashingEmbedder(), examples }))],
    ['trained', classifierOf(createTrainedStrategy(config, model))],
  ];
  const chain = createClassifierChain(config);
  const results: StrategySpeed[] = [];
  for (const [name, classify] of strategies) results.push(measure(name, prompts, classify));
  results.push(
    await measureAsync(`chain (${config.classifier.strategies.join(', ')})`, prompts, (prompt) =>
      chain.classify({ messages: [{ role: 'user', content: prompt }] }),
    ),
  );
  return results;
}

function classifierOf(strategy: { classify(prompt: string): StrategyVerdict | Promise<StrategyVerdict> }) {
  return (prompt: string) => strategy.classify(prompt);
}

const megabytePrompt =
  'Summarize the obligations in this agreement. ' +
  'The supplier shall deliver the goods on time and in full. '.repeat(18_000);

function measure(name: string, prompts: readonly string[], classify: (prompt: string) => unknown): StrategySpeed {
  for (const prompt of prompts) classify(prompt);
  const timings: number[] = [];
  const started = performance.now();
  while (performance.now() - started < minimumMs || timings.length < prompts.length * 3) {
    for (const prompt of prompts) {
      const before = process.hrtime.bigint();
      classify(prompt);
      timings.push(Number(process.hrtime.bigint() - before) / 1_000);
    }
  }
  const megabyte: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const before = process.hrtime.bigint();
    classify(megabytePrompt);
    megabyte.push(Number(process.hrtime.bigint() - before) / 1_000);
  }
  return summarize(name, prompts.length, timings, megabyte);
}

export async function measureAsync(
  name: string,
  prompts: readonly string[],
  classify: (prompt: string) => Promise<unknown>,
): Promise<StrategySpeed> {
  for (const prompt of prompts) await classify(prompt);
  const timings: number[] = [];
  const started = performance.now();
  while (performance.now() - started < minimumMs || timings.length < prompts.length * 3) {
    for (const prompt of prompts) {
      const before = process.hrtime.bigint();
      await classify(prompt);
      timings.push(Number(process.hrtime.bigint() - before) / 1_000);
    }
  }
  const megabyte: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const before = process.hrtime.bigint();
    await classify(megabytePrompt);
    megabyte.push(Number(process.hrtime.bigint() - before) / 1_000);
  }
  return summarize(name, prompts.length, timings, megabyte);
}

function summarize(name: string, prompts: number, timings: number[], megabyte: number[]): StrategySpeed {
  const sorted = [...timings].sort((a, b) => a - b);
  const mean = timings.reduce((sum, value) => sum + value, 0) / timings.length;
  const target = targets[name.split(' ')[0] as string] ?? null;
  return {
    strategy: name,
    prompts,
    microsPerPrompt: Math.round(mean * 10) / 10,
    p99Micros: Math.round((sorted[Math.floor(sorted.length * 0.99)] ?? 0) * 10) / 10,
    megabyteMicros: Math.round(megabyte.reduce((sum, value) => sum + value, 0) / megabyte.length),
    targetMicros: target,
    meetsTarget: target === null ? null : mean < target,
  };
}

export function formatClassifierSpeeds(speeds: readonly StrategySpeed[]): string {
  const lines = [
    `classifiers: per-prompt time over the labeled set (${speeds[0]?.prompts ?? 0} prompts), steady state`,
  ];
  for (const speed of speeds) {
    const target =
      speed.targetMicros === null
        ? ''
        : ` (target < ${speed.targetMicros} µs: ${speed.meetsTarget === true ? 'met' : 'MISSED'})`;
    lines.push(
      `  ${speed.strategy.padEnd(28)} ${speed.microsPerPrompt.toFixed(1).padStart(7)} µs/prompt, ` +
        `p99 ${speed.p99Micros.toFixed(1).padStart(7)} µs, 1 MB prompt ${speed.megabyteMicros} µs${target}`,
    );
  }
  return lines.join('\n');
}
