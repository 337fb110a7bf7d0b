import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.ts';
import { crossValidatedStrongScores, leakFreeGroups } from './cross-validated-scores.ts';
import type { RecordedOutcome } from './routellm-data.ts';

/** Mean score of the items the strong model won minus that of the rest: about 0 for a model that learned nothing it could use. */
function separation(items: readonly RecordedOutcome[], scores: readonly number[]): number {
  const mean = (won: boolean) => {
    const picked = scores.filter(
      (_, index) => (items[index] as RecordedOutcome).strong > (items[index] as RecordedOutcome).weak === won,
    );
    return picked.reduce((sum, score) => sum + score, 0) / picked.length;
  };
  return mean(true) - mean(false);
}

describe('crossValidatedStrongScores', () => {
  it('never scores a prompt with a model trained on its copy from another group', () => {
    // Random strings with random outcomes: only memorising a prompt predicts its outcome. Each of
    // the 10 subjects holds its 10 questions twice, once under another subject name (as 78 MMLU
    // questions sit in both clinical_knowledge and college_medicine), with the whitespace changed.
    const random = seededRandom(11);
    const word = () => Math.floor(random() * 1e9).toString(36);
    const items: RecordedOutcome[] = [];
    for (let subject = 0; subject < 10; subject += 1) {
      for (let question = 0; question < 10; question += 1) {
        const prompt = Array.from({ length: 6 }, word).join(' ');
        const outcome = random() < 0.5 ? { weak: 0, strong: 1 } : { weak: 1, strong: 1 };
        items.push(
          { prompt, group: `subject-${subject}`, ...outcome },
          { prompt: ` ${prompt.replace(/ /g, '  ')}\n`, group: `copy-${subject}`, ...outcome },
        );
      }
    }
    const scores = crossValidatedStrongScores(items, 5, 1);
    // Scored by a model that saw the copy, the separation is close to 1; held out it is chance.
    expect(Math.abs(separation(items, scores))).toBeLessThan(0.15);
  });
});

describe('leakFreeGroups', () => {
  it('merges the groups that share a prompt, whitespace aside, transitively, and leaves the others', () => {
    const item = (prompt: string, group: string): RecordedOutcome => ({ prompt, group, weak: 0, strong: 1 });
    const items = [
      item('Which nerve?', 'medicine'),
      item('Which drug?', 'clinical'),
      item('Which  nerve? ', 'clinical'),
      item('Which drug?', 'pharmacology'),
      item('What is 2+2?', 'maths'),
    ];
    expect(leakFreeGroups(items)).toEqual(['clinical', 'clinical', 'clinical', 'clinical', 'maths']);
  });
});
