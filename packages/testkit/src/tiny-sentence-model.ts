import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesField, intField, message, messageField, stringField, type ProtoField } from './protobuf-writer.ts';

/**
 * A sentence-embedding model directory as sentence-transformers exports it (`config.json`,
 * `tokenizer.json`, `onnx/model.onnx`), small enough to check by hand: a WordPiece tokenizer over
 * `vocabulary` and an ONNX graph whose token embeddings are rows of `table`, looked up by a single
 * Gather node. A real model runs a transformer there; the embedder cannot tell the difference.
 */
export interface TinySentenceModelOptions {
  /** Token strings in id order; must start with [PAD], [UNK], [CLS], [SEP]. */
  vocabulary?: readonly string[];
  /** One row per token, all of the same width. */
  table?: readonly (readonly number[])[];
  /** Graph inputs, each int64 [batch, seq]; only `input_ids` is read. */
  inputs?: readonly string[];
  /**
   * `tokens`: last_hidden_state [batch, seq, dim], the shape the embedder expects (the layout of
   * an export with the transformers library).
   * `pooled`: only the mean over the sequence [batch, dim]: a wrong shape.
   * `sentence-transformers`: sentence_embedding [batch, dim] first, then token_embeddings
   * [batch, seq, dim] (the layout of optimum-cli's export of a sentence-transformers model).
   */
  output?: 'tokens' | 'pooled' | 'sentence-transformers';
  /** Instead of last_hidden_state for `tokens` and `pooled`. */
  outputName?: string;
}

export const tinyVocabulary = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'hello',
  'hi',
  'thanks',
  'prove',
  'theorem',
  'integral',
  'the',
  '##s',
] as const;

/**
 * Greetings lean on the first axis, mathematics on the second, [CLS]/[SEP] and "the" on the
 * third and fourth; [UNK] is zero. [PAD] points elsewhere, as a transformer's states at padded
 * positions do: a mean that let padding in would change direction.
 */
export const tinyTable: readonly (readonly number[])[] = [
  [-4, 4, -4, 4],
  [0, 0, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, 1],
  [3, 0, 0, 0],
  [2, 1, 0, 0],
  [4, 0, 1, 0],
  [0, 3, 0, 0],
  [1, 4, 0, 0],
  [0, 2, 2, 0],
  [0, 0, 1, 1],
  [1, 1, 1, 1],
];

/** Writes the model into a new temporary directory and returns the directory's path. */
export function writeTinySentenceModel(options: TinySentenceModelOptions = {}): string {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-onnx-'));
  const vocabulary = options.vocabulary ?? tinyVocabulary;
  const table = options.table ?? tinyTable;
  mkdirSync(join(directory, 'onnx'));
  writeFileSync(join(directory, 'onnx', 'model.onnx'), tinyEmbeddingGraph({ ...options, table }));
  writeFileSync(join(directory, 'tokenizer.json'), JSON.stringify(wordPieceTokenizer(vocabulary)));
  writeFileSync(
    join(directory, 'config.json'),
    JSON.stringify({ model_type: 'bert', hidden_size: table[0]?.length ?? 0, vocab_size: vocabulary.length }),
  );
  return directory;
}

const float = 1;
const int64 = 7;

/**
 * ONNX ModelProto bytes: inputs → Gather(table, input_ids) → the token vectors, and for `pooled`
 * and `sentence-transformers` → ReduceMean over the sequence → a pooled vector.
 */
export function tinyEmbeddingGraph(options: TinySentenceModelOptions & { table: readonly (readonly number[])[] }) {
  const { table } = options;
  const inputs = options.inputs ?? ['input_ids', 'attention_mask'];
  const mode = options.output ?? 'tokens';
  const dimensions = table[0]?.length ?? 0;
  const weights = new Float32Array(table.flat());
  const initializer = [
    intField(1, table.length),
    intField(1, dimensions),
    intField(2, float),
    stringField(8, 'embeddings'),
    bytesField(9, new Uint8Array(weights.buffer)), // raw_data: little-endian float32, row after row
  ];
  const tokensName =
    mode === 'sentence-transformers' ? 'token_embeddings' : mode === 'pooled' ? 'token_states' : options.outputName;
  const pooledName = mode === 'sentence-transformers' ? 'sentence_embedding' : options.outputName;
  const tokens = tokensName ?? 'last_hidden_state';
  const pooled = pooledName ?? 'last_hidden_state';
  const nodes: ProtoField[] = [
    messageField(1, [
      stringField(1, 'embeddings'),
      stringField(1, 'input_ids'),
      stringField(2, tokens),
      stringField(3, 'lookup'),
      stringField(4, 'Gather'),
      messageField(5, [stringField(1, 'axis'), intField(3, 0), intField(20, 2)]), // INT attribute
    ]),
  ];
  if (mode !== 'tokens') {
    nodes.push(
      messageField(1, [
        stringField(1, tokens),
        stringField(2, pooled),
        stringField(3, 'pool'),
        stringField(4, 'ReduceMean'),
        messageField(5, [stringField(1, 'axes'), intField(8, 1), intField(20, 7)]), // INTS attribute
        messageField(5, [stringField(1, 'keepdims'), intField(3, 0), intField(20, 2)]),
      ]),
    );
  }
  const tokensOutput = valueInfo(tokens, float, ['batch', 'sequence', dimensions]);
  const pooledOutput = valueInfo(pooled, float, ['batch', dimensions]);
  // The sentence-transformers export lists the pooled output first.
  const outputs =
    mode === 'tokens' ? [tokensOutput] : mode === 'pooled' ? [pooledOutput] : [pooledOutput, tokensOutput];
  const graph = [
    ...nodes,
    stringField(2, 'tiny-sentence-embedder'),
    messageField(5, initializer),
    ...inputs.map((name) => messageField(11, valueInfo(name, int64, ['batch', 'sequence']))),
    ...outputs.map((output) => messageField(12, output)),
  ];
  return message([
    intField(1, 8), // ir_version 8: opset 13's era
    stringField(2, 'switchyard-testkit'),
    messageField(7, graph),
    messageField(8, [stringField(1, ''), intField(2, 13)]),
  ]);
}

/** ValueInfoProto of a tensor: named dimensions are symbolic (dim_param), numbers fixed (dim_value). */
function valueInfo(name: string, elementType: number, shape: readonly (string | number)[]): ProtoField[] {
  const dims = shape.map((dim) => messageField(1, [typeof dim === 'number' ? intField(1, dim) : stringField(2, dim)]));
  return [stringField(1, name), messageField(2, [messageField(1, [intField(1, elementType), messageField(2, dims)])])];
}

/** A BERT-style tokenizer.json: lower-casing normalizer, WordPiece over `vocabulary`, [CLS] … [SEP]. */
export function wordPieceTokenizer(vocabulary: readonly string[]) {
  const vocab = Object.fromEntries(vocabulary.map((token, id) => [token, id]));
  const special = (content: string) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}
