/**
 * sentence-transformers' mean pooling followed by its Normalize layer: each sequence's token
 * vectors averaged over the positions its attention mask keeps (padding is left out), then
 * scaled to unit length, so cosine similarity is a dot product and long prompts weigh no more
 * than short ones.
 *
 * `hidden` is [batch, sequence, width] in row-major order; `mask` is [batch, sequence] of 0/1.
 */
export function meanPooledUnitVectors(
  hidden: Float32Array,
  [batch, sequence, width]: readonly [number, number, number],
  mask: ArrayLike<number>,
): Float32Array[] {
  const vectors: Float32Array[] = [];
  for (let row = 0; row < batch; row += 1) {
    const sum = new Float64Array(width);
    let kept = 0;
    for (let position = 0; position < sequence; position += 1) {
      if (mask[row * sequence + position] !== 1) continue;
      kept += 1;
      const offset = (row * sequence + position) * width;
      for (let index = 0; index < width; index += 1)
        sum[index] = (sum[index] as number) + (hidden[offset + index] as number);
    }
    // The clamps are sentence-transformers' (1e-9 tokens, 1e-12 norm): an all-masked row stays zero.
    const count = Math.max(kept, 1e-9);
    let norm = 0;
    for (let index = 0; index < width; index += 1) {
      sum[index] = (sum[index] as number) / count;
      norm += (sum[index] as number) ** 2;
    }
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    vectors.push(Float32Array.from(sum, (value) => value * scale));
  }
  return vectors;
}
