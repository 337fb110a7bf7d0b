/**
 * The RouteLLM metrics of one router on one benchmark. A router gives each prompt a score (how
 * much it needs the strong model); sending the top share `s` of prompts to the strong model and
 * the rest to the weak one gives a performance (accuracy, or mean judge score) at strong share
 * `s`. Prompts with equal scores cannot be told apart, so among them the router picks at random
 * and the curve is the expected performance: linear across each block of ties. A router that
 * gives every prompt the same score is therefore the random router, with APGR exactly 0.5.
 */
export interface RoutingCurve {
  /** Corners of the piecewise-linear curve, strong share from 0 to 1. */
  vertices: { strongShare: number; performance: number }[];
  weakPerformance: number;
  strongPerformance: number;
  /** Mean PGR over strong shares 0..1 (the exact area under the PGR curve); null when both models perform the same. */
  apgr: number | null;
  /** Smallest strong share at which PGR reaches 50% / 80%; null when never reached. */
  cpt50: number | null;
  cpt80: number | null;
}

export interface Outcome {
  weak: number;
  strong: number;
}

export function routingCurve(scores: readonly number[], outcomes: readonly Outcome[]): RoutingCurve {
  const count = outcomes.length;
  if (count === 0 || scores.length !== count)
    throw new RangeError(
      `need one score per outcome and at least one outcome (${scores.length} scores, ${count} outcomes)`,
    );
  // NaN equals nothing, not even itself, so a NaN would never join a block of ties below and the
  // sweep would spin forever. Infinities are refused too: two of them make the sort's comparison
  // Infinity - Infinity = NaN, an inconsistent order.
  const bad = scores.findIndex((score) => !Number.isFinite(score));
  if (bad >= 0) throw new RangeError(`score ${bad + 1} is ${scores[bad]}; every score must be a finite number`);
  const order = scores.map((_, index) => index).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let weakTotal = 0;
  let strongTotal = 0;
  for (const outcome of outcomes) {
    weakTotal += outcome.weak;
    strongTotal += outcome.strong;
  }
  const vertices = [{ strongShare: 0, performance: weakTotal / count }];
  let gain = 0;
  for (let position = 0; position < count; ) {
    const score = scores[order[position] as number];
    // One block of equal scores becomes one straight segment.
    while (position < count && scores[order[position] as number] === score) {
      const outcome = outcomes[order[position] as number] as Outcome;
      gain += outcome.strong - outcome.weak;
      position += 1;
    }
    vertices.push({ strongShare: position / count, performance: (weakTotal + gain) / count });
  }
  const weakPerformance = weakTotal / count;
  const strongPerformance = strongTotal / count;
  const gap = strongPerformance - weakPerformance;
  if (gap === 0) return { vertices, weakPerformance, strongPerformance, apgr: null, cpt50: null, cpt80: null };

  const pgr = vertices.map((vertex) => (vertex.performance - weakPerformance) / gap);
  let area = 0;
  for (let index = 1; index < vertices.length; index += 1) {
    const width =
      (vertices[index] as { strongShare: number }).strongShare -
      (vertices[index - 1] as { strongShare: number }).strongShare;
    area += (width * ((pgr[index] as number) + (pgr[index - 1] as number))) / 2;
  }
  const cpt = (target: number): number | null => {
    if ((pgr[0] as number) >= target) return 0;
    for (let index = 1; index < vertices.length; index += 1) {
      const [before, after] = [pgr[index - 1] as number, pgr[index] as number];
      if (after >= target) {
        const [from, to] = [
          (vertices[index - 1] as { strongShare: number }).strongShare,
          (vertices[index] as { strongShare: number }).strongShare,
        ];
        return from + ((target - before) / (after - before)) * (to - from);
      }
    }
    return null;
  };
  return { vertices, weakPerformance, strongPerformance, apgr: area, cpt50: cpt(0.5), cpt80: cpt(0.8) };
}

/** Performance at a strong share, read off the curve by linear interpolation. */
export function performanceAt(curve: RoutingCurve, strongShare: number): number {
  const { vertices } = curve;
  for (let index = 1; index < vertices.length; index += 1) {
    const before = vertices[index - 1] as { strongShare: number; performance: number };
    const after = vertices[index] as { strongShare: number; performance: number };
    if (strongShare <= after.strongShare) {
      const width = after.strongShare - before.strongShare;
      return width === 0
        ? after.performance
        : before.performance + ((strongShare - before.strongShare) / width) * (after.performance - before.performance);
    }
  }
  return curve.strongPerformance;
}
