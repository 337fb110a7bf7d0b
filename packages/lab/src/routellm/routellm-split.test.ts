import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.ts';
import type { RecordedOutcome, RouteLlmData } from './routellm-data.ts';
import { developmentSalt, leakFreeGroups, splitBuiltIn, splitByDirectories } from './routellm-split.ts';
import { trainStrongWinModel } from './strong-win-model.ts';

const item = (prompt: string, group: string): RecordedOutcome => ({ prompt, group, weak: 0, strong: 1 });

function dataOf(items: RecordedOutcome[], directory = '/data/a'): RouteLlmData {
  return {
    directory,
    weakModel: 'weak',
    strongModel: 'strong',
    benchmarks: [{ name: 'mmlu', metric: 'accuracy', items, contaminatedDropped: 0, files: [] }],
    warnings: [],
  };
}

/**
 * Mean score of the items the strong model won minus that of the rest: about 0 for a model that
 * learned nothing it could use.
 */
function separation(items: readonly RecordedOutcome[], scores: readonly number[]): number {
  const mean = (won: boolean) => {
    const picked = scores.filter(
      (_, index) => (items[index] as RecordedOutcome).strong > (items[index] as RecordedOutcome).weak === won,
    );
    return picked.reduce((sum, score) => sum + score, 0) / picked.length;
  };
  return mean(true) - mean(false);
}

describe('splitBuiltIn', () => {
  const items = Array.from({ length: 40 }, (_, subject) =>
    Array.from({ length: 5 }, (_, question) => item(`question ${question} of subject ${subject}`, `mmlu:s${subject}`)),
  ).flat();

  it('puts every subject wholly on one side, about the test share of them in the test, the same way every run', () => {
    const split = splitBuiltIn(dataOf(items));
    const groups = (data: RouteLlmData) => new Set(data.benchmarks.flatMap((b) => b.items.map((i) => i.group)));
    const [train, test] = [groups(split.train), groups(split.test)];
    expect([...test].filter((group) => train.has(group))).toEqual([]);
    expect(train.size + test.size).toBe(40);
    expect(test.size).toBeGreaterThan(6);
    expect(test.size).toBeLessThan(20);
    expect(splitBuiltIn(dataOf(items))).toEqual(split);
  });

  it('carves the development split out of the training part only', () => {
    const split = splitBuiltIn(dataOf(items));
    const development = splitBuiltIn(split.train, { salt: developmentSalt });
    const heldOut = new Set(split.test.benchmarks.flatMap((b) => b.items.map((i) => i.prompt)));
    const seen = [...development.train.benchmarks, ...development.test.benchmarks].flatMap((b) => b.items);
    expect(seen.filter((i) => heldOut.has(i.prompt))).toEqual([]);
    expect(development.test.benchmarks[0]?.items.length).toBeGreaterThan(0);
  });

  it('never scores a prompt with a model trained on its copy from another group', () => {
    // Random strings with random outcomes: only memorising a prompt predicts its outcome. Each
    // subject holds its questions twice, once under another subject name (as 78 MMLU questions sit
    // in both clinical_knowledge and college_medicine), with the whitespace changed.
    const random = seededRandom(11);
    const word = () => Math.floor(random() * 1e9).toString(36);
    const copies: RecordedOutcome[] = [];
    for (let subject = 0; subject < 20; subject += 1) {
      for (let question = 0; question < 10; question += 1) {
        const prompt = Array.from({ length: 6 }, word).join(' ');
        const outcome = random() < 0.5 ? { weak: 0, strong: 1 } : { weak: 1, strong: 1 };
        copies.push(
          { prompt, group: `subject-${subject}`, ...outcome },
          { prompt: ` ${prompt.replace(/ /g, '  ')}\n`, group: `copy-${subject}`, ...outcome },
        );
      }
    }
    const split = splitBuiltIn(dataOf(copies), { testShare: 0.5 });
    const model = trainStrongWinModel(split.train.benchmarks.flatMap((b) => b.items));
    const test = split.test.benchmarks.flatMap((b) => b.items);
    expect(test.length).toBeGreaterThan(40);
    // Scored by a model that saw the copy, the separation is close to 1; held out it is chance.
    expect(
      Math.abs(
        separation(
          test,
          test.map((i) => model(i.prompt)),
        ),
      ),
    ).toBeLessThan(0.15);
  });
});

describe('splitByDirectories', () => {
  it('drops from the test the prompts the training directory holds, whitespace aside', () => {
    const split = splitByDirectories(
      dataOf([item('Which nerve?', 'mmlu:a')]),
      dataOf([item('Which  nerve? ', 'mmlu:b'), item('Which drug?', 'mmlu:b')], '/data/b'),
    );
    expect(split.overlapDropped).toBe(1);
    expect(split.test.benchmarks[0]?.items.map((i) => i.prompt)).toEqual(['Which drug?']);
    expect(split.description).toBe('trained on /data/a, tested on /data/b');
  });
});

describe('leakFreeGroups', () => {
  it('merges the groups that share a prompt, whitespace aside, transitively, and leaves the others', () => {
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
