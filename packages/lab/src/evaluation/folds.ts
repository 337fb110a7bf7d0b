import { seededRandom, shuffled } from '../seeded-random.ts';

/**
 * Fold number (0..k-1) per item, stratified: each label is dealt round-robin over the folds after
 * a seeded shuffle, so every fold has about the same mix of labels and the split never changes
 * between runs.
 */
export function stratifiedFolds(labels: readonly string[], folds: number, seed = 1): number[] {
  checkFolds(folds, labels.length);
  const random = seededRandom(seed);
  const assignment = new Array<number>(labels.length).fill(0);
  const byLabel = new Map<string, number[]>();
  labels.forEach((label, index) => {
    byLabel.set(label, [...(byLabel.get(label) ?? []), index]);
  });
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    for (const index of shuffled(byLabel.get(label) ?? [], random)) {
      assignment[index] = next;
      next = (next + 1) % folds;
    }
  }
  return assignment;
}

/**
 * Fold number per item where every item of a group lands in the same fold: the model is always
 * tested on groups (e.g. MMLU subjects) it never saw. Groups are dealt largest first to the fold
 * with the fewest items so far, which keeps the folds close in size.
 */
export function groupedFolds(groups: readonly string[], folds: number, seed = 1): number[] {
  const random = seededRandom(seed);
  const sizes = new Map<string, number>();
  for (const group of groups) sizes.set(group, (sizes.get(group) ?? 0) + 1);
  checkFolds(folds, sizes.size);
  // Shuffle first so equal-sized groups are spread by the seed, not by name.
  const order = shuffled([...sizes.keys()].sort(), random).sort((a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0));
  const foldSizes = new Array<number>(folds).fill(0);
  const foldOf = new Map<string, number>();
  for (const group of order) {
    const smallest = foldSizes.indexOf(Math.min(...foldSizes));
    foldOf.set(group, smallest);
    foldSizes[smallest] = (foldSizes[smallest] ?? 0) + (sizes.get(group) ?? 0);
  }
  return groups.map((group) => foldOf.get(group) ?? 0);
}

function checkFolds(folds: number, items: number): void {
  if (!Number.isInteger(folds) || folds < 2)
    throw new RangeError(`folds must be an integer of at least 2, got ${folds}`);
  if (items < folds) throw new RangeError(`cannot split ${items} item(s) or group(s) into ${folds} folds`);
}
