import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@switchyard/core';
import { writeTinySentenceModel } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { createOnnxEmbedder } from './onnx-embedder.ts';

const length = (vector: Float32Array) => Math.hypot(...vector);
const unit = (values: number[]) => values.map((value) => value / Math.hypot(...values));

/** Float32 rounding: the model computes in single precision. */
function expectClose(actual: Float32Array | undefined, expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, index) => {
    expect(actual?.[index]).toBeCloseTo(value, 6);
  });
}

describe('createOnnxEmbedder with a tiny model built here', () => {
  const directory = writeTinySentenceModel();

  it('mean-pools the token vectors over the attention mask and scales the mean to unit length', async () => {
    const embedder = createOnnxEmbedder({ directory });
    expect(embedder.name).toBe(`onnx:${directory.split('/').pop()}`);
    // [CLS] hello the theorem ##s [SEP]: table rows (0,0,1,0) (3,0,0,0) (0,0,1,1) (1,4,0,0) (1,1,1,1) (0,0,0,1)
    // sum to (5,5,3,3); their mean has the same direction.
    const [long, short] = await embedder.embed(['Hello the theorems', 'hi']);
    expectClose(long, unit([5, 5, 3, 3]));
    // [CLS] hi [SEP] → (0,0,1,0) + (2,1,0,0) + (0,0,0,1). Padded to the other text's 6 tokens in the
    // same batch, yet the padding is left out of its mean.
    expectClose(short, unit([2, 1, 1, 1]));
    const [alone] = await createOnnxEmbedder({ directory }).embed(['hi']);
    expectClose(alone, unit([2, 1, 1, 1]));
    for (const vector of [long, short, alone]) expect(length(vector as Float32Array)).toBeCloseTo(1, 6);
  });

  it('embeds an empty prompt as its special tokens and a 1 MB prompt as its first maxTokens tokens', async () => {
    const embedder = createOnnxEmbedder({ directory, maxTokens: 8 });
    const [empty, huge] = await embedder.embed(['', `${'hello '.repeat(200_000)}prove`]);
    expectClose(empty, unit([0, 0, 1, 1]));
    // [CLS], six "hello" (3,0,0,0) and [SEP] kept at the end; "prove" far past the limit is not read.
    expectClose(huge, unit([18, 0, 1, 1]));
    // Past the first window of 6 characters a token, all spaces: the window grows until the text shows.
    const [spaced] = await embedder.embed([`${' '.repeat(100)}${'hello '.repeat(10)}`]);
    expectClose(spaced, unit([18, 0, 1, 1]));
  });

  it('runs the model once for a prompt asked for twice, or by concurrent callers, or in another casing', async () => {
    const embedder = createOnnxEmbedder({ directory });
    await embedder.load();
    const afterLoad = embedder.counters.modelRuns;
    const [first] = await embedder.embed(['prove the theorem']);
    const [second] = await embedder.embed(['prove the theorem']);
    expect(second).toBe(first);
    expect(embedder.counters.modelRuns).toBe(afterLoad + 1);

    // The tokenizer is uncased: the same token ids, the same vector.
    const concurrent = await Promise.all([embedder.embed(['PROVE  the theorem']), embedder.embed(['hello'])]);
    expect(concurrent[0][0]).toBe(first);
    const [again, repeated] = await Promise.all([embedder.embed(['hello']), embedder.embed(['thanks', 'thanks'])]);
    expect(again[0]).toBe(concurrent[1][0]);
    expect(repeated[0]).toBe(repeated[1]);
    expect(embedder.counters.modelRuns).toBe(afterLoad + 3);
    expect(embedder.counters.memoHits).toBe(3);
  });

  it('forgets the least recently used prompt past memoEntries', async () => {
    const embedder = createOnnxEmbedder({ directory, memoEntries: 2 });
    await embedder.embed(['hi']);
    await embedder.embed(['hello']);
    await embedder.embed(['hi']);
    await embedder.embed(['thanks']);
    const runs = embedder.counters.modelRuns;
    await embedder.embed(['hi']);
    expect(embedder.counters.modelRuns).toBe(runs);
    await embedder.embed(['hello']);
    expect(embedder.counters.modelRuns).toBe(runs + 1);
  });

  it('feeds only the inputs the model declares', async () => {
    for (const inputs of [['input_ids'], ['input_ids', 'attention_mask', 'token_type_ids']]) {
      const [vector] = await createOnnxEmbedder({ directory: writeTinySentenceModel({ inputs }) }).embed(['hi']);
      expectClose(vector, unit([2, 1, 1, 1]));
    }
  });

  it('reads token_embeddings of a sentence-transformers export, or the output shaped like token vectors', async () => {
    const exported = writeTinySentenceModel({ output: 'sentence-transformers' });
    // optimum-cli writes model.onnx beside the other files.
    renameSync(join(exported, 'onnx', 'model.onnx'), join(exported, 'model.onnx'));
    const other = writeTinySentenceModel({ outputName: 'hidden' });
    for (const directory of [exported, other]) {
      const [vector] = await createOnnxEmbedder({ directory }).embed(['hi']);
      expectClose(vector, unit([2, 1, 1, 1]));
    }
  });
});

describe('createOnnxEmbedder with a bad model directory', () => {
  const configError = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('names the missing file, or the path that is not a directory', () => {
    for (const file of ['config.json', 'tokenizer.json', join('onnx', 'model.onnx')]) {
      const directory = writeTinySentenceModel();
      rmSync(join(directory, file));
      const message = configError(() => createOnnxEmbedder({ directory, where: 'classifier.centroid.embedder.path' }));
      expect(message).toContain(`classifier.centroid.embedder.path: ${join(directory, file)} is missing`);
    }
    expect(configError(() => createOnnxEmbedder({ directory: '/nonexistent/minilm' }))).toContain(
      '/nonexistent/minilm is not a directory',
    );
  });

  it('names a file that is not JSON, a tokenizer it cannot use, and maxTokens the model cannot hold', () => {
    const broken = writeTinySentenceModel();
    writeFileSync(join(broken, 'config.json'), '{ nope');
    expect(configError(() => createOnnxEmbedder({ directory: broken }))).toContain(
      `${join(broken, 'config.json')} is not valid JSON`,
    );
    const noModel = writeTinySentenceModel();
    writeFileSync(join(noModel, 'tokenizer.json'), JSON.stringify({ model: { type: 'NoSuchModel' } }));
    expect(configError(() => createOnnxEmbedder({ directory: noModel }))).toContain(
      `${join(noModel, 'tokenizer.json')} cannot be used`,
    );
    const short = writeTinySentenceModel();
    writeFileSync(join(short, 'config.json'), JSON.stringify({ hidden_size: 4, max_position_embeddings: 128 }));
    expect(configError(() => createOnnxEmbedder({ directory: short }))).toContain(
      'maxTokens 256 exceeds the 128 positions the model holds (config.json)',
    );
  });

  it('rejects at load a model whose output is already pooled, of another width, or not a model', async () => {
    const pooled = writeTinySentenceModel({ output: 'pooled' });
    const pooledLoad = createOnnxEmbedder({ directory: pooled }).load();
    await expect(pooledLoad).rejects.toBeInstanceOf(ConfigError);
    await expect(pooledLoad).rejects.toThrow(
      `${join(pooled, 'onnx', 'model.onnx')}: output last_hidden_state has shape [batch, 4], ` +
        'expected token vectors [batch, sequence, hidden]',
    );

    const wider = writeTinySentenceModel();
    writeFileSync(join(wider, 'config.json'), JSON.stringify({ hidden_size: 384 }));
    const widerEmbedder = createOnnxEmbedder({ directory: wider });
    await expect(widerEmbedder.load()).rejects.toThrow(
      `${join(wider, 'onnx', 'model.onnx')}: output last_hidden_state has width 4, ` +
        'but config.json says hidden_size 384',
    );
    // A request after a failed load reports the same problem rather than running the model again.
    const runs = widerEmbedder.counters.modelRuns;
    await expect(widerEmbedder.embed(['hi'])).rejects.toThrow(/hidden_size 384/);
    expect(widerEmbedder.counters.modelRuns).toBe(runs);

    const garbage = writeTinySentenceModel();
    writeFileSync(join(garbage, 'onnx', 'model.onnx'), 'not a protobuf');
    await expect(createOnnxEmbedder({ directory: garbage }).load()).rejects.toThrow(
      `${join(garbage, 'onnx', 'model.onnx')} cannot be loaded by ONNX Runtime`,
    );
  });
});
