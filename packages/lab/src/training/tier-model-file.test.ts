import { ConfigError } from '@switchyard/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabeledExample } from '@switchyard/classifiers';
import { parseTierModel, readTierModel, writeTierModel, type TierModelFile } from '@switchyard/classifiers';
import { trainTierModel } from './train-tier-model.ts';

const tiers = ['simple', 'medium', 'complex'];
const examples: LabeledExample[] = [
  ...['hi', 'hello', 'thanks!', 'good morning', 'hey there', 'bye'].map((prompt) => ({ prompt, tier: 'simple' })),
  ...[
    'write a poem about rain',
    'explain how tides work',
    'summarize this article',
    'draft an email to my landlord',
    'describe a sunset',
    'write a cover letter',
  ].map((prompt) => ({ prompt, tier: 'medium' })),
  ...[
    'prove the theorem rigorously',
    'design a distributed database',
    'analyze the legal risks of this merger',
    'derive the bound step by step',
    'threat-model our login flow',
    'compare the trade-offs in depth',
  ].map((prompt) => ({ prompt, tier: 'complex' })),
];
const file = trainTierModel(examples, { tiers, strongShare: 0.4 });
const directory = mkdtempSync(join(tmpdir(), 'switchyard-model-'));

describe('trainTierModel', () => {
  it('records the ladder, the calibration and how it was trained', () => {
    expect(file).toMatchObject({ format: 'switchyard.tier-model', version: 1, tiers });
    expect(file.calibration).toMatchObject({ strongTier: 'complex', targetStrongShare: 0.4 });
    expect(file.training).toMatchObject({ examples: 18, byTier: { simple: 6, medium: 6, complex: 6 } });
    expect(file.weights.values).toHaveLength(file.weights.indices.length * 3);
  });

  it('is reproducible byte for byte: two trainings write identical files', () => {
    const [first, second] = ['first.json', 'second.json'].map((name) => {
      const path = join(directory, name);
      writeTierModel(path, trainTierModel(examples, { tiers, strongShare: 0.4 }));
      return readFileSync(path);
    });
    expect(first?.length).toBeGreaterThan(0);
    expect(first?.equals(second as Buffer)).toBe(true);
  });

  it('defaults the strong share to the strong tier’s share of the labels', () => {
    expect(trainTierModel(examples, { tiers }).calibration.targetStrongShare).toBeCloseTo(1 / 3);
  });

  it('refuses labels off the ladder and tiers with too few examples, naming them', () => {
    expect(() => trainTierModel([...examples, { prompt: 'x', tier: 'gold' }], { tiers })).toThrow(
      /example 19 has tier "gold"/,
    );
    expect(() => trainTierModel(examples.slice(0, 14), { tiers })).toThrow(
      /at least 5 labeled examples \(fewer for: complex\)/,
    );
  });
});

describe('tier model files', () => {
  it('round-trips through writeTierModel and readTierModel', () => {
    const path = join(directory, 'model.json');
    writeTierModel(path, file);
    const model = readTierModel(path);
    expect(model.file).toEqual(file);
    expect(model.offsets[2]).toBe(file.calibration.logitOffset);
    expect(readFileSync(path, 'utf8').split('\n').length).toBeGreaterThan(file.weights.indices.length);
  });

  const broken = (change: (copy: Record<string, unknown>) => void) => {
    const copy = JSON.parse(JSON.stringify(file)) as Record<string, unknown>;
    change(copy);
    return () => parseTierModel(copy, 'tier model m.json');
  };

  it('names the problem when a file is not a tier model at all', () => {
    const path = join(directory, 'junk.json');
    writeFileSync(path, '{"tiers": [');
    expect(() => readTierModel(path)).toThrow(/tier model .*junk\.json is not valid JSON/);
    expect(() => readTierModel(join(directory, 'missing.json'))).toThrow(/cannot read tier model .*missing\.json/);
    expect(broken((copy) => delete copy.format)).toThrow(
      /tier model m\.json is not a Switchyard tier model .*switchyard train/,
    );
    expect(broken((copy) => (copy.version = 2))).toThrow(/version 2; this build reads version 1/);
  });

  it('lists each bad field by path', () => {
    expect(broken((copy) => (copy.bias = [1, 2]))).toThrow(/bias: has 2 entries for 3 tiers/);
    expect(broken((copy) => ((copy.weights as TierModelFile['weights']).values = [1]))).toThrow(
      /weights\.values: has 1 numbers/,
    );
    expect(broken((copy) => ((copy.features as { dimensions: number }).dimensions = 1000))).toThrow(
      /features\.dimensions: must be a power of two/,
    );
    expect(broken((copy) => delete copy.calibration)).toThrow(ConfigError);
    expect(broken((copy) => ((copy.calibration as { strongTier: string }).strongTier = 'simple'))).toThrow(
      /calibration\.strongTier: must be the last tier/,
    );
  });

  it('refuses n-gram ranges whose minimum is above their maximum', () => {
    const features = (copy: Record<string, unknown>) => copy.features as { charNgrams: number[]; wordNgrams: number[] };
    expect(broken((copy) => (features(copy).charNgrams = [5, 3]))).toThrow(
      /tier model m\.json is not a valid tier model:[\s\S]*features\.charNgrams: minimum 5 is above maximum 3/,
    );
    expect(broken((copy) => (features(copy).wordNgrams = [2, 1]))).toThrow(
      /features\.wordNgrams: minimum 2 is above maximum 1/,
    );
  });

  it('refuses a weight index given twice, which would silently overwrite a row', () => {
    const weights = (copy: Record<string, unknown>) => copy.weights as TierModelFile['weights'];
    const repeated = broken((copy) => {
      const [first] = weights(copy).indices;
      weights(copy).indices[1] = first as number;
    });
    expect(repeated).toThrow(
      new RegExp(
        'tier model m\\.json is not a valid tier model:[\\s\\S]*' +
          `weights\\.indices\\[1\\]: repeats index ${file.weights.indices[0]} \\(first at 0\\)`,
      ),
    );
  });

  it('caps dimensions at 2^20, so a file cannot make start-up allocate gigabytes', () => {
    expect(broken((copy) => ((copy.features as { dimensions: number }).dimensions = 2 ** 30))).toThrow(
      /tier model m\.json is not a valid tier model:[\s\S]*features\.dimensions: must be at most 1048576/,
    );
    expect(broken((copy) => ((copy.features as { dimensions: number }).dimensions = 2 ** 20))).not.toThrow();
  });
});
