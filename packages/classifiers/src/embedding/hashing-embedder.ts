import type { Embedder } from './embedder.ts';
import { defaultFeatureOptions, extractFeatures, type FeatureOptions } from './text-features.ts';

/**
 * The offline default embedder: hashed character and word n-grams (text-features.ts) as a dense
 * vector. No weights and no network; it captures wording, not meaning ("car" and "automobile"
 * are unrelated to it), which is enough to tell a proof request from a greeting.
 */
export function createHashingEmbedder(options: Partial<Pick<FeatureOptions, 'dimensions'>> = {}): Embedder {
  const features: FeatureOptions = {
    ...defaultFeatureOptions,
    dimensions: options.dimensions ?? defaultFeatureOptions.dimensions,
  };
  return {
    name: `hashing-${features.dimensions}`,
    embed(texts: readonly string[]): Float32Array[] {
      return texts.map((text) => {
        const { indices, values } = extractFeatures(text, features);
        const dense = new Float32Array(features.dimensions);
        for (let position = 0; position < indices.length; position += 1)
          dense[indices[position] as number] = values[position] as number;
        return dense;
      });
    },
    embedSparse: (text: string) => extractFeatures(text, features),
  };
}
