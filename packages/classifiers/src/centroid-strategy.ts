import { TierLadder, type StrategyVerdict, type SwitchyardConfig } from '@switchyard/core';
import { centroidOf, cosine, sparseDot, unitVector, type Embedder } from './embedding/embedder.ts';
import type { SparseVector } from './embedding/text-features.ts';
import type { LabeledExample } from './labeled-set.ts';
import type { ClassificationStrategy } from './strategy.ts';
import { round } from './tier-scores.ts';

export type CentroidStrategyConfig = Pick<SwitchyardConfig, 'tiers' | 'routes' | 'classifier'>;

export interface CentroidStrategyOptions {
  embedder: Embedder;
  /**
   * Labeled prompts: each tier's centroid is the mean of its examples. An example whose
   * `category` names a route also joins that route's centroid; other categories join the
   * fallback route's.
   */
  examples: readonly LabeledExample[];
}

export interface CentroidStrategy extends ClassificationStrategy {
  /** Embeds the examples (once); classify waits for it, start-up code calls it to fail early. */
  prepare(): Promise<void>;
}

/**
 * Softmax temperature turning cosine similarities into shares. With the hashing embedder, a
 * held-out prompt's best tier similarity is 0.17-0.44 (10th to 90th percentile) and leads the
 * runner-up by a median 0.06; at 0.02 that lead gives the top tier e^3 ≈ 20 times the weight.
 */
const temperature = 0.02;
/** Below this cosine to every tier centroid the prompt is unlike all examples: unsure. */
const minSimilarity = 0.05;
/**
 * Top-2 cosine gap under which the tiers are too close to call. On the labeled set (5-fold
 * cross-validation, hashing embedder) 0.01 leaves 7% of prompts undecided; those were right only
 * 40% of the time, the decided ones 84%.
 */
const minCosineGap = 0.01;
/** A remote embedder that failed is not asked for the example embeddings again for this long. */
const retryAfterFailureMs = 30_000;

interface Centroids {
  tiers: Float32Array[];
  routes: { name: string; centroid: Float32Array }[];
}

/**
 * Cosine similarity of the prompt's embedding to per-tier and per-route example centroids. The
 * centroids are computed once, at construction for a synchronous embedder (hashing) and in
 * `prepare()` for a remote one; never per request.
 */
export function createCentroidStrategy(
  config: CentroidStrategyConfig,
  options: CentroidStrategyOptions,
): CentroidStrategy {
  const ladder = new TierLadder(config);
  const { embedder, examples } = options;
  const fallbackRoute = config.classifier.fallbackRoute;
  const routeNames = config.routes.map((route) => route.name);
  const missing = ladder.names.filter((tier) => !examples.some((example) => example.tier === tier));
  if (missing.length > 0) throw new Error(`centroid strategy: no labeled example for tier(s) ${missing.join(', ')}`);

  // A category that names no route (factual, chit-chat...) is the fallback route's; no category, no route.
  const routeOfCategory = (category: string | undefined): number => {
    if (category === undefined) return -1;
    const index = routeNames.indexOf(category);
    return index >= 0 ? index : routeNames.indexOf(fallbackRoute);
  };
  const texts: string[] = [];
  const tierOf: number[] = [];
  const routeOf: number[] = [];
  for (const example of examples) {
    texts.push(example.prompt);
    tierOf.push(ladder.names.indexOf(example.tier));
    routeOf.push(routeOfCategory(example.category));
  }
  config.routes.forEach((route, routeIndex) => {
    for (const example of route.examples) {
      texts.push(example);
      tierOf.push(-1);
      routeOf.push(routeIndex);
    }
  });

  // Unit-length centroids: cosine with a unit-length sparse prompt vector is then a dot product.
  const build = (vectors: Float32Array[]): Centroids => ({
    tiers: ladder.names.map((_, tierIndex) =>
      unitVector(centroidOf(vectors.filter((_, index) => tierOf[index] === tierIndex))),
    ),
    routes: routeNames
      .map((name, routeIndex) => ({ name, members: vectors.filter((_, index) => routeOf[index] === routeIndex) }))
      .filter((route) => route.members.length > 0)
      .map((route) => ({ name: route.name, centroid: unitVector(centroidOf(route.members)) })),
  });

  let centroids: Centroids | undefined;
  let preparing: Promise<void> | undefined;
  let failedAt = -Infinity;
  const start = (embedding: Promise<Float32Array[]>): Promise<void> => {
    const attempt = embedding.then(
      (vectors) => void (centroids = build(vectors)),
      (error: unknown) => {
        preparing = undefined;
        failedAt = performance.now();
        throw error;
      },
    );
    // Reported by `prepare()` and by the verdicts; without a handler Node would stop on it.
    attempt.catch(() => {});
    preparing = attempt;
    return attempt;
  };
  const prepare = (): Promise<void> =>
    centroids !== undefined ? Promise.resolve() : (preparing ?? start(Promise.resolve(embedder.embed(texts))));
  const embedded = embedder.embed(texts);
  if (embedded instanceof Promise) void start(embedded);
  else centroids = build(embedded);

  const verdictFor = (vector: Float32Array | SparseVector, ready: Centroids): StrategyVerdict => {
    const similarity = (centroid: Float32Array) =>
      vector instanceof Float32Array ? cosine(vector, centroid) : sparseDot(vector, centroid);
    const tierSimilarities = ready.tiers.map(similarity);
    const tierShares = softmax(tierSimilarities);
    const scores: Record<string, number> = {};
    ladder.names.forEach((name, index) => {
      scores[name] = round(tierShares[index] ?? 0);
    });
    const top = argmaxTwo(tierSimilarities);

    const routeSimilarities = ready.routes.map((route) => similarity(route.centroid));
    const routeShares = softmax(routeSimilarities);
    ready.routes.forEach((route, index) => {
      scores[`route:${route.name}`] = round(routeShares[index] ?? 0);
    });
    const topRoute = argmaxTwo(routeSimilarities);
    const routeClear = topRoute.best >= minSimilarity && topRoute.best - topRoute.second >= minCosineGap;

    const verdict: StrategyVerdict = {
      strategy: 'centroid',
      tier: ladder.names[top.index] as string,
      route: routeClear ? (ready.routes[topRoute.index]?.name ?? fallbackRoute) : fallbackRoute,
      confidence: round(tierShares[top.index] ?? 0),
      scores,
    };
    if (top.best < minSimilarity)
      verdict.unsure = `unlike every example (best cosine ${round(top.best)} < ${minSimilarity})`;
    else if (top.best - top.second < minCosineGap)
      verdict.unsure = `ambiguous: cosine gap ${round(top.best - top.second)} < ${minCosineGap}`;
    return verdict;
  };

  return {
    name: 'centroid',
    prepare,
    classify(prompt: string): StrategyVerdict | Promise<StrategyVerdict> {
      if (centroids === undefined) return classifyAsync(prompt);
      if (embedder.embedSparse !== undefined) return verdictFor(embedder.embedSparse(prompt), centroids);
      const vectors = embedder.embed([prompt]);
      if (vectors instanceof Promise) return classifyAsync(prompt, vectors);
      return verdictFor(vectors[0] as Float32Array, centroids);
    },
  };

  /** A remote embedder that fails makes the verdict unsure (the chain moves on), never the request fail. */
  async function classifyAsync(prompt: string, embedding?: Promise<Float32Array[]>): Promise<StrategyVerdict> {
    try {
      // After a failed preparation, wait this long before asking the embedder for the examples again.
      if (centroids === undefined && preparing === undefined && performance.now() - failedAt < retryAfterFailureMs) {
        throw new Error('the example embeddings are not available yet (the last attempt failed)');
      }
      await prepare();
      const [vector] = await (embedding ?? embedder.embed([prompt]));
      return verdictFor(vector as Float32Array, centroids as Centroids);
    } catch (error) {
      return {
        strategy: 'centroid',
        tier: ladder.names[0] as string,
        route: fallbackRoute,
        confidence: 0,
        scores: {},
        unsure: `embedder ${embedder.name} failed: ${(error as Error).message}`,
      };
    }
  }
}

function softmax(values: readonly number[]): number[] {
  const top = Math.max(...values);
  const weights = values.map((value) => Math.exp((value - top) / temperature));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

function argmaxTwo(values: readonly number[]): { index: number; best: number; second: number } {
  let index = 0;
  let best = -Infinity;
  let second = -Infinity;
  values.forEach((value, position) => {
    if (value > best) {
      second = best;
      best = value;
      index = position;
    } else if (value > second) {
      second = value;
    }
  });
  return { index, best, second: Number.isFinite(second) ? second : best };
}
