import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseConfig, type SwitchyardConfig } from '@switchyard/core';
import { configWithTiers, writeTinySentenceModel } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { createClassifierChain } from './classifier-chain.ts';
import { createOnnxEmbedder } from './embedding/onnx-embedder.ts';

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

/** Greetings are light, mathematics heavy: the tiny model's table puts them on different axes. */
const examples = [
  { prompt: 'hello', tier: 'light' },
  { prompt: 'hi thanks', tier: 'light' },
  { prompt: 'prove the theorem', tier: 'heavy' },
  { prompt: 'the integral', tier: 'heavy' },
];

function centroidConfig(modelDirectory: string): SwitchyardConfig {
  const base = configWithTiers(['light', 'heavy']);
  const examplesPath = join(modelDirectory, 'examples.jsonl');
  writeFileSync(examplesPath, examples.map((example) => JSON.stringify(example)).join('\n'));
  return parseConfig({
    ...base,
    classifier: {
      ...base.classifier,
      strategies: ['centroid'],
      centroid: { embedder: { type: 'onnx', path: modelDirectory }, examplesPath },
    },
  });
}

describe('the centroid strategy with the onnx embedder from the config', () => {
  it('classifies by nearest tier centroid once the examples are embedded', async () => {
    const chain = createClassifierChain(centroidConfig(writeTinySentenceModel()));
    await chain.ready();
    const light = await chain.classify(ask('Thanks, hello!'));
    expect(light).toMatchObject({ tier: 'light', strategy: 'centroid' });
    const heavy = await chain.classify(ask('Prove the integral theorems'));
    expect(heavy).toMatchObject({ tier: 'heavy', strategy: 'centroid' });
    expect(heavy.confidence).toBeGreaterThan(0.9);
    const explained = await chain.explain(ask('Prove the integral theorems'));
    expect(explained.strategies[0]).toMatchObject({ strategy: 'centroid', tier: 'heavy', inChain: true });
  });

  it('embeds a prompt once for classify and explain', async () => {
    const directory = writeTinySentenceModel();
    const embedder = createOnnxEmbedder({ directory });
    const chain = createClassifierChain(centroidConfig(directory), { embedder });
    await chain.ready();
    const runs = embedder.counters.modelRuns;
    await chain.classify(ask('prove it'));
    await chain.explain(ask('prove it'));
    expect(embedder.counters.modelRuns).toBe(runs + 1);
  });

  it('stops start-up naming the missing file, or the model whose output has the wrong shape', async () => {
    const incomplete = writeTinySentenceModel();
    const config = centroidConfig(incomplete);
    rmSync(join(incomplete, 'tokenizer.json'));
    expect(() => createClassifierChain(config)).toThrow(ConfigError);
    expect(() => createClassifierChain(config)).toThrow(
      `classifier.centroid.embedder.path: ${join(incomplete, 'tokenizer.json')} is missing`,
    );

    const pooled = writeTinySentenceModel({ output: 'pooled' });
    const ready = createClassifierChain(centroidConfig(pooled)).ready();
    await expect(ready).rejects.toBeInstanceOf(ConfigError);
    await expect(ready).rejects.toThrow(`${join(pooled, 'onnx', 'model.onnx')}: output last_hidden_state has shape`);
  });
});
