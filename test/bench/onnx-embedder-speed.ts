import { resolve } from 'node:path';
import {
  bundledLabeledSetPath,
  createCentroidStrategy,
  createOnnxEmbedder,
  readLabeledSet,
} from '@switchyard/classifiers';
import { loadConfig } from '@switchyard/core';
import { measureAsync, type StrategySpeed } from './classifier-speed.ts';

export type OnnxSpeed = { model: string; uncached: StrategySpeed; memoHit: StrategySpeed } | { notMeasured: string };

/**
 * The centroid strategy with a local ONNX sentence-embedding model, over the labeled set: once
 * with the memo off (every prompt runs the model: what a new prompt costs) and once with every
 * prompt already in the memo (a repeated prompt). No model ships with Switchyard, so without a
 * directory this part says so instead of a figure.
 */
export async function benchOnnxEmbedder(directory: string | undefined): Promise<OnnxSpeed> {
  if (directory === undefined || directory === '')
    return { notMeasured: 'no model: set SWITCHYARD_BENCH_ONNX_DIR to an ONNX sentence-embedding model directory' };
  const config = loadConfig();
  const examples = readLabeledSet(bundledLabeledSetPath);
  const prompts = examples.map((example) => example.prompt);
  const timed = async (label: string, memoEntries: number) => {
    const embedder = createOnnxEmbedder({ directory: resolve(directory), memoEntries });
    const strategy = createCentroidStrategy(config, { embedder, examples });
    await strategy.prepare();
    return {
      name: embedder.name,
      speed: await measureAsync(label, prompts, async (prompt) => strategy.classify(prompt)),
    };
  };
  const uncached = await timed('centroid (onnx, new prompt)', 0);
  const memoHit = await timed('centroid (onnx, memo hit)', prompts.length + 1);
  return { model: uncached.name, uncached: uncached.speed, memoHit: memoHit.speed };
}

export function formatOnnxSpeed(speed: OnnxSpeed): string {
  if ('notMeasured' in speed) return `  centroid (onnx embedder)     not measured: ${speed.notMeasured}`;
  return [speed.uncached, speed.memoHit]
    .map(
      (row) =>
        `  ${row.strategy.padEnd(28)} ${row.microsPerPrompt.toFixed(1).padStart(7)} µs/prompt, ` +
        `p99 ${row.p99Micros.toFixed(1).padStart(7)} µs, 1 MB prompt ${row.megabyteMicros} µs (${speed.model})`,
    )
    .join('\n');
}
