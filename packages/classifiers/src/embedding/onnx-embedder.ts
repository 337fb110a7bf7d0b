import { basename } from 'node:path';
import { ConfigError } from '@switchyard/core';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Embedder } from './embedder.ts';
import { createEmbeddingMemo } from './embedding-memo.ts';
import { meanPooledUnitVectors } from './mean-pooling.ts';
import { readOnnxModelDirectory } from './onnx-model-directory.ts';

export interface OnnxEmbedderOptions {
  /** A sentence-transformers model exported to ONNX: config.json, tokenizer.json, onnx/model.onnx. */
  directory: string;
  /** Tokens per text, special tokens included; default 256. */
  maxTokens?: number;
  /** Prompts whose vectors are kept; default 512 (768 KB at all-MiniLM-L6-v2's 384 floats). */
  memoEntries?: number;
  /** The config field named in errors; default `embedder`. */
  where?: string;
}

/** Sentence embeddings computed in-process: always asynchronous (ONNX Runtime runs off the main thread). */
export interface OnnxEmbedder extends Embedder {
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Loads the model and checks its inputs and output shape (once); `embed` waits for it. */
  load(): Promise<void>;
  /** Model runs (one per batch) and texts answered from the memo, since start. */
  readonly counters: Readonly<{ modelRuns: number; memoHits: number }>;
}

interface LoadedModel {
  ort: typeof import('onnxruntime-node');
  session: InferenceSession;
  output: string;
}

const knownInputs = ['input_ids', 'attention_mask', 'token_type_ids'];
/** Texts per model run when embedding many (the centroid examples at start-up). */
const batchSize = 16;
/**
 * Only the start of a text is tokenized, so a 1 MB prompt costs what a few kilobytes do (the JS
 * tokenizer takes about 0.5 µs a character). WordPiece and BPE tokens average 3-5 characters of
 * English, so 6 per allowed token nearly always suffices; when it does not (long runs of spaces,
 * long words) the window grows fourfold, up to 96 characters a token.
 */
const firstWindowCharactersPerToken = 6;
const lastWindowCharactersPerToken = 96;
/**
 * Tokens past the limit that a window must reach before it is trusted: the window may end inside
 * a word, whose pieces then differ from the whole word's, and those must fall past the limit.
 */
const windowMarginTokens = 16;

/**
 * The output holding one vector per token: `last_hidden_state` (an export through transformers),
 * `token_embeddings` (through sentence-transformers, which lists its pooled `sentence_embedding`
 * first), else the first declared as [batch, sequence, hidden], else the first.
 */
function tokenVectorsOutput(session: InferenceSession): string {
  const names = session.outputNames;
  const named = ['last_hidden_state', 'token_embeddings'].find((name) => names.includes(name));
  const threeDimensional = session.outputMetadata.find((value) => value.isTensor && value.shape.length === 3);
  return named ?? threeDimensional?.name ?? (names[0] as string);
}

/**
 * Mean-pooled, unit-length sentence embeddings from a local ONNX model (tokenizer.json read by
 * @huggingface/tokenizers; never the network). Each text's vector is remembered by its token ids,
 * so strategies and repeated requests asking for the same prompt share one model run.
 */
export function createOnnxEmbedder(options: OnnxEmbedderOptions): OnnxEmbedder {
  const where = options.where ?? 'embedder';
  const maxTokens = options.maxTokens ?? 256;
  const files = readOnnxModelDirectory(options.directory, where);
  const { tokenizer, modelPath, hiddenSize } = files;
  const problem = (issue: string, cause?: unknown) =>
    new ConfigError('configuration is invalid:', [`${where}: ${issue}`], { cause });
  if (files.maxPositions !== undefined && maxTokens > files.maxPositions)
    throw problem(`maxTokens ${maxTokens} exceeds the ${files.maxPositions} positions the model holds (config.json)`);

  // Special tokens after the text ([SEP] for BERT) survive truncation, as in the Python tokenizers.
  const specials = tokenizer.encode('').ids;
  const probe = tokenizer.encode('a').ids;
  let leading = 0;
  while (leading < specials.length && specials[leading] === probe[leading]) leading += 1;
  const trailing = specials.length - leading;
  if (maxTokens <= specials.length)
    throw problem(`maxTokens ${maxTokens} leaves no room for text after ${specials.length} special tokens`);
  const tokenize = (text: string): number[] => {
    let window = maxTokens * firstWindowCharactersPerToken;
    let ids = tokenizer.encode(text.slice(0, window)).ids;
    const widest = maxTokens * lastWindowCharactersPerToken;
    while (ids.length < maxTokens + windowMarginTokens && text.length > window && window < widest) {
      window *= 4;
      ids = tokenizer.encode(text.slice(0, window)).ids;
    }
    if (ids.length <= maxTokens) return ids;
    return [...ids.slice(0, maxTokens - trailing), ...ids.slice(ids.length - trailing)];
  };

  const counters = { modelRuns: 0, memoHits: 0 };
  const memo = createEmbeddingMemo<Float32Array>(options.memoEntries ?? 512);
  let loading: Promise<LoadedModel> | undefined;
  const load = () => {
    loading ??= open();
    return loading;
  };

  async function open(): Promise<LoadedModel> {
    // Imported on first use: configs without an ONNX embedder never load the native runtime.
    const ort = await import('onnxruntime-node');
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath);
    } catch (error) {
      throw problem(`${modelPath} cannot be loaded by ONNX Runtime: ${(error as Error).message}`, error);
    }
    const inputs = session.inputNames;
    if (!inputs.includes('input_ids'))
      throw problem(`${modelPath} has no input_ids input (it has ${inputs.join(', ')})`);
    const unknown = inputs.filter((name) => !knownInputs.includes(name));
    if (unknown.length > 0)
      throw problem(`${modelPath} needs inputs a sentence embedder does not give: ${unknown.join(', ')}`);
    const output = tokenVectorsOutput(session);
    const metadata = session.outputMetadata.find((value) => value.name === output);
    if (metadata?.isTensor === true && metadata.shape.length > 0 && metadata.shape.length !== 3)
      throw problem(`${modelPath}: ${wrongShape(output, metadata.shape)}`);
    const model = { ort, session, output };
    // One real run: a width or rank the file leaves symbolic is checked before the first request.
    await run(model, [tokenize('start-up check')]);
    return model;
  }

  const wrongShape = (output: string, shape: readonly (number | string)[], expected = 'batch, sequence, hidden') =>
    `output ${output} has shape [${shape.join(', ')}], expected token vectors [${expected}] ` +
    '(last_hidden_state or token_embeddings; a model that gives only a pooled vector is not supported)';

  async function run(model: LoadedModel, sequences: readonly number[][]): Promise<Float32Array[]> {
    const rows = sequences.length;
    // An empty sequence becomes one masked padding token: its vector is zero, like the hashing embedder's.
    const length = Math.max(1, ...sequences.map((ids) => ids.length));
    const ids = new BigInt64Array(rows * length);
    const mask = new BigInt64Array(rows * length);
    const keep = new Uint8Array(rows * length);
    sequences.forEach((sequence, row) => {
      sequence.forEach((id, position) => {
        ids[row * length + position] = BigInt(id);
        mask[row * length + position] = 1n;
        keep[row * length + position] = 1;
      });
    });
    // Padding positions hold id 0; the attention mask hides them from the model and from the mean.
    const tensor = (data: BigInt64Array) => new model.ort.Tensor('int64', data, [rows, length]);
    const feeds: Record<string, Tensor> = { input_ids: tensor(ids) };
    const declared = model.session.inputNames;
    if (declared.includes('attention_mask')) feeds.attention_mask = tensor(mask);
    if (declared.includes('token_type_ids')) feeds.token_type_ids = tensor(new BigInt64Array(rows * length));
    counters.modelRuns += 1;
    const result = (await model.session.run(feeds))[model.output];
    const dims = result?.dims ?? [];
    const width = dims[2] ?? 0;
    if (dims.length !== 3 || dims[0] !== rows || dims[1] !== length || width < 1)
      throw problem(`${modelPath}: ${wrongShape(model.output, dims, `${rows}, ${length}, hidden`)}`);
    if (hiddenSize !== undefined && width !== hiddenSize)
      throw problem(
        `${modelPath}: output ${model.output} has width ${width}, but config.json says hidden_size ${hiddenSize}`,
      );
    if (result?.type !== 'float32')
      throw problem(`${modelPath}: output ${model.output} holds ${result?.type}, expected float32`);
    return meanPooledUnitVectors(result.data as Float32Array, [rows, length, width], keep);
  }

  interface Pending {
    ids: number[];
    resolve(vector: Float32Array): void;
    reject(error: unknown): void;
  }

  async function compute(pending: readonly Pending[]): Promise<void> {
    try {
      const model = await load();
      // Similar lengths share a batch, so short prompts are not padded to a long one's length.
      const ordered = [...pending].sort((a, b) => a.ids.length - b.ids.length);
      for (let start = 0; start < ordered.length; start += batchSize) {
        const batch = ordered.slice(start, start + batchSize);
        const vectors = await run(
          model,
          batch.map((item) => item.ids),
        );
        batch.forEach((item, index) => {
          item.resolve(vectors[index] as Float32Array);
        });
      }
    } catch (error) {
      for (const item of pending) item.reject(error);
    }
  }

  return {
    name: `onnx:${basename(options.directory)}`,
    counters,
    load: async () => void (await load()),
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      const vectors: Promise<Float32Array>[] = [];
      const inThisCall = new Map<string, Promise<Float32Array>>();
      const pending: Pending[] = [];
      for (const text of texts) {
        const ids = tokenize(text);
        // Token ids, not the raw text: prompts that differ only where the tokenizer does not look
        // (case for an uncased model, runs of spaces, text past maxTokens) share one vector.
        const key = ids.join(' ');
        const known = inThisCall.get(key) ?? memo.get(key);
        if (known !== undefined) {
          if (!inThisCall.has(key)) counters.memoHits += 1;
          vectors.push(known);
          continue;
        }
        const vector = new Promise<Float32Array>((resolve, reject) => pending.push({ ids, resolve, reject }));
        inThisCall.set(key, vector);
        memo.set(key, vector);
        vectors.push(vector);
      }
      if (pending.length > 0) await compute(pending);
      return Promise.all(vectors);
    },
  };
}
