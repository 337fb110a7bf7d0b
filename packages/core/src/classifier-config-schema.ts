import { z } from 'zod';

/** The `classifier` section: which strategies run, in what order, and each one's settings. */
export const strategyNameSchema = z.enum(['keywords', 'rules', 'centroid', 'trained', 'llm']);

/** Turns prompts into vectors for the centroid strategy. */
export const embedderSchema = z.discriminatedUnion('type', [
  /** Weight-free and offline: character and word n-grams hashed into `dimensions` buckets. */
  z.strictObject({
    type: z.literal('hashing'),
    dimensions: z
      .number()
      .int()
      .min(256)
      .max(1_048_576)
      .refine((value) => (value & (value - 1)) === 0, 'must be a power of two')
      .default(16_384),
  }),
  /** Any server speaking OpenAI's `POST /embeddings`: hosted APIs, vLLM, Ollama, llama.cpp. */
  z.strictObject({
    type: z.literal('openai'),
    /** Up to and including `/v1`. */
    baseURL: z.url(),
    model: z.string().min(1),
    /** Environment variable holding the key; local servers usually need none. */
    apiKeyEnv: z.string().optional(),
    timeoutMs: z.number().int().positive().default(10_000),
  }),
  /**
   * A sentence-transformers model exported to ONNX (e.g. all-MiniLM-L6-v2), run in-process on the
   * CPU: the directory holds `config.json`, `tokenizer.json` and `onnx/model.onnx` (or `model.onnx`).
   */
  z.strictObject({
    type: z.literal('onnx'),
    /** The model directory; a relative path starts at the config file's folder. */
    path: z.string().min(1),
    /**
     * Tokens per prompt, special tokens included; the rest of a long prompt is not read. 256 is
     * what all-MiniLM-L6-v2 was trained on (its position table holds 512); the run time grows
     * with it, about linearly up to there.
     */
    maxTokens: z.number().int().min(2).max(8_192).default(256),
    /** How token vectors become one prompt vector: their mean over the attention mask. */
    pooling: z.literal('mean').default('mean'),
  }),
]);

export const centroidSchema = z.strictObject({
  embedder: embedderSchema.default({ type: 'hashing', dimensions: 16_384 }),
  /**
   * Labeled JSONL (`prompt`, `tier`, optional `category`) the centroids are built from (a relative
   * path starts at the config file's folder); default: the set shipped with Switchyard.
   */
  examplesPath: z.string().min(1).optional(),
});

export const trainedSchema = z.strictObject({
  /**
   * Model file written by `switchyard train` (a relative path starts at the config file's folder);
   * required when `strategies` lists `trained`.
   */
  modelPath: z.string().min(1).optional(),
});

export const llmClassifierSchema = z.strictObject({
  /** The tier whose deployment answers the classification question; default: the first (cheapest) tier. */
  tier: z.string().optional(),
  /** Index into that tier's deployments. */
  deployment: z.number().int().min(0).default(0),
  /** A classification that takes longer is given up (the chain falls through to the default tier). */
  timeoutMs: z.number().int().positive().default(10_000),
  /**
   * The model reads at most this much of a prompt: the first three quarters and the last quarter
   * of it. 2,000 characters (about 500 tokens) hold the question of nearly every prompt, and keep
   * classifying a 1 MB paste as cheap as classifying a one-liner.
   */
  promptChars: z.number().int().min(200).max(100_000).default(2_000),
  /**
   * The confidence of an answer that names a known tier but no confidence. 0.5 is above the
   * default `confidenceThreshold` (0.35), so such an answer decides; set it below the threshold to
   * let them fall through instead.
   */
  defaultConfidence: z.number().min(0).max(1).default(0.5),
  /**
   * Verdicts kept in process, least recently used evicted first; 0 turns the cache off. An entry
   * is a key of 64 hex characters and a short verdict, so 10,000 of them take a few megabytes.
   */
  cacheSize: z.number().int().min(0).default(10_000),
  /**
   * How long a cached verdict is used. The key holds the prompt, the policy prompt and the model
   * name, so a verdict only goes stale when the model behind the name changes (a re-pulled tag);
   * a day bounds that.
   */
  cacheTtlSeconds: z.number().int().positive().default(86_400),
});

export const classifierSchema = z.strictObject({
  /** Cheapest first; the next strategy runs only when the previous one is unsure. */
  strategies: z.array(strategyNameSchema).min(1).default(['rules', 'keywords']),
  confidenceThreshold: z.number().min(0).max(1).default(0.35),
  /** Top-2 scores closer than this are ambiguous. */
  minGap: z.number().min(0).max(1).default(0.02),
  defaultTier: z.string(),
  /** Route used when no expert's keywords match. */
  fallbackRoute: z.string().default('general'),
  centroid: centroidSchema.default(centroidSchema.parse({})),
  trained: trainedSchema.default(trainedSchema.parse({})),
  llm: llmClassifierSchema.default(llmClassifierSchema.parse({})),
});
