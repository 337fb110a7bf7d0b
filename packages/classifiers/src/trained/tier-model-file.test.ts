import { ConfigError } from '@switchyard/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabeledExample } from '../labeled-set.ts';
import { parseTierModel, readTierModel, writeTierModel, type TierModelFile } from './tier-model-file.ts';
import { trainTierModel } from './train-tier-model.ts';

const tiers = ['simple', 'medium', 'complex'];
const examples: LabeledExample[] = [
  ...['hi', 'hello', 'thanks!', 'good morning', 'hey there', 'bye'].map((prompt) => ({ prompt, tier: 'simple' })),
  ...['write a poem about rain', 'explain how tides work', 'summarize this article', 'draft an email to my landlord', 'describe a sunset', 'write a cover letter'].map((prompt) => ({ prompt, tier: 'medium' })),
  ...['prove the theorem rigorously', 'design a distributed database', 'analyze the legal risks of this merger', 'derive the bound step by step', 'threat-model our login flow', 'compare the trade-offs in depth'].map((prompt) => ({ prompt, tier: 'complex' })),
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

  it('is reproducible byte for byte', () => {
    expect(JSON.stringify(trainTierModel(examples, { tiers, strongShare: 0.4 }))).toBe(JSON.stringify(file));
  });

  it('defaults the strong share to the strong tier’s share of the labels', () => {
    expect(trainTierModel(examples, { tiers }).calibration.targetStrongShare).toBeCloseTo(1 / 3);
  });

  it('refuses labels off the ladder and tiers with too few examples, naming them', () => {
    expect(() => trainTierModel([...examples, { prompt: 'x', tier: 'gold' }], { tiers })).toThrow(/example 19 has tier "gold"/);
    expect(() => trainTierModel(examples.slice(0, 14), { tiers })).toThrow(/at least 5 labeled examples \(fewer for: complex\)/);
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
    expect(broken((copy) => delete copy.format)).toThrow(/tier model m\.json is not a Switchyard tier model .*switchyard train/);
    expect(broken((copy) => (copy.version = 2))).toThrow(/version 2; this build reads version 1/);
  });

  it('lists each bad field by path', () => {
    expect(broken((copy) => (copy.bias = [1, 2]))).toThrow(/bias: has 2 entries for 3 tiers/);
    expect(broken((copy) => ((copy.weights as TierModelFile['weights']).values = [1]))).toThrow(/weights\.values: has 1 numbers/);
    expect(broken((copy) => ((copy.features as { dimensions: number }).dimensions = 1000))).toThrow(/features\.dimensions: must be a power of two/);
    expect(broken((copy) => delete copy.calibration)).toThrow(ConfigError);
    expect(broken((copy) => ((copy.calibration as { strongTier: string }).strongTier = 'simple'))).toThrow(/calibration\.strongTier: must be the last tier/);
  });
});
