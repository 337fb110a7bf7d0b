/**
 * Threshold calibration as a logit offset: adding `offset` to the strong class's logit before
 * taking the most probable class moves a chosen share of traffic to the strong tier. One number,
 * stored with the model, that every prediction applies in the same way.
 */
export interface StrongShareCalibration {
  /** Added to the strong class's logit. */
  offset: number;
  /** The share of the calibration samples that the offset sends to the strong class. */
  share: number;
}

/**
 * `logits` are held-out (cross-validated) class scores, one row per sample. A sample goes strong
 * once the offset exceeds its margin (best other logit minus strong logit; ties go to the cheaper
 * class), so sorting the margins gives the exact offset for any share: halfway between the last
 * margin routed strong and the first one not.
 */
export function calibrateStrongShare(
  logits: readonly Float64Array[],
  strongIndex: number,
  targetShare: number,
): StrongShareCalibration {
  if (!(targetShare >= 0 && targetShare <= 1))
    throw new RangeError(`strong share must be between 0 and 1, got ${targetShare}`);
  if (logits.length === 0) throw new RangeError('calibration needs at least one sample');
  const margins = logits
    .map((row) => {
      let bestOther = -Infinity;
      row.forEach((value, index) => {
        if (index !== strongIndex) bestOther = Math.max(bestOther, value);
      });
      return bestOther - (row[strongIndex] as number);
    })
    .sort((a, b) => a - b);
  const count = Math.round(targetShare * margins.length);
  let offset: number;
  if (count === 0) offset = (margins[0] as number) - 1;
  else if (count === margins.length) offset = (margins[count - 1] as number) + 1;
  else offset = ((margins[count - 1] as number) + (margins[count] as number)) / 2;
  // Equal margins straddling the cut cannot be split: report the share the offset really gives.
  const share = margins.filter((margin) => margin < offset).length / margins.length;
  return { offset, share };
}
