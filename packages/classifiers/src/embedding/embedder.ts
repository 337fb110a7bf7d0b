import type { SparseVector } from './text-features.ts';

/**
 * Turns texts into vectors whose cosine similarity says how alike the texts are. Pluggable: the
 * centroid strategy only needs this. A synchronous result keeps the strategy synchronous (the
 * hashing embedder costs microseconds and should not pay for a promise per prompt).
 */
export interface Embedder {
  /** Shown in verdicts and `--explain`, e.g. `hashing-16384` or `openai:text-embedding-3-small`. */
  readonly name: string;
  embed(texts: readonly string[]): Float32Array[] | Promise<Float32Array[]>;
  /**
   * The same vector as `embed`, scaled to unit length, as its non-zero entries only. Optional fast
   * path for embedders whose vectors are mostly zeros: a hashed prompt fills ~600 of 16,384
   * buckets, so a dot product over them is 25 times less work than over the dense vector.
   */
  embedSparse?(text: string): SparseVector;
}

/** Scaled to unit length, so that cosine similarity with it is a plain dot product. */
export function unitVector(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let index = 0; index < vector.length; index += 1) norm += (vector[index] as number) ** 2;
  if (norm === 0) return vector;
  const scale = 1 / Math.sqrt(norm);
  return vector.map((value) => value * scale);
}

/** Dot product of a sparse and a dense vector. */
export function sparseDot(sparse: SparseVector, dense: Float32Array): number {
  let dot = 0;
  for (let position = 0; position < sparse.indices.length; position += 1)
    dot += (sparse.values[position] as number) * (dense[sparse.indices[position] as number] ?? 0);
  return dot;
}

/** Cosine similarity; 0 when either vector is all zeros (an empty prompt is like nothing). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const x = a[index] as number;
    const y = b[index] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** The mean direction of a set of vectors: each is scaled to unit length first so long texts do not dominate. */
export function centroidOf(vectors: readonly Float32Array[]): Float32Array {
  const dimensions = vectors[0]?.length ?? 0;
  const sum = new Float32Array(dimensions);
  for (const vector of vectors) {
    let norm = 0;
    for (let index = 0; index < dimensions; index += 1) norm += (vector[index] as number) ** 2;
    if (norm === 0) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let index = 0; index < dimensions; index += 1)
      sum[index] = (sum[index] as number) + (vector[index] as number) * scale;
  }
  return sum;
}
