import { checkLabeledTiers, readLabeledSet, type LabeledExample } from '@switchyard/classifiers';

/** Several labeled files read as one set, each checked against the configured tiers. */
export function readLabeledSets(files: readonly string[], tiers: readonly string[]): LabeledExample[] {
  return files.flatMap((file) => {
    const examples = readLabeledSet(file);
    checkLabeledTiers(examples, tiers, file);
    return examples;
  });
}
