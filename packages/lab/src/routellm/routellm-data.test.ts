import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRouteLlm } from './routellm-data.ts';
import { sharedDataPath } from '@switchyard/testkit';

const header = 'prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview';

function subsetDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-routellm-'));
  writeFileSync(
    join(directory, 'gsm8k_responses.csv'),
    `${header},mistralai/Mixtral-8x7B-Instruct-v0.1_response,gpt-4-1106-preview_response\n` +
      '"Tom has 3 apples, buys 2.\nHow many?",False,True,"3+2=6\n#### 6","5"\n' +
      'Seen upstream,True,True,a,b\n',
  );
  writeFileSync(
    join(directory, 'gsm8k_contaminated_prompts.jsonl'),
    '{"train_prompt": "x", "eval_prompt": "Seen  upstream ", "train_idx": 1, "eval_idx": 1}\n',
  );
  mkdirSync(join(directory, 'mmlu'));
  writeFileSync(
    join(directory, 'mmlu', 'mmlu_anatomy.csv'),
    `${header}\n"Which bone?\nA. femur\nB. ulna\nAnswer:",True,True\n`,
  );
  writeFileSync(join(directory, 'mmlu', 'mmlu_virology.csv'), `${header}\nWhat is a virus?,False,False\n`);
  return directory;
}

describe('loadRouteLlm', () => {
  it('reads whatever subset of the files is there, drops contaminated prompts and warns about missing lists', () => {
    const data = loadRouteLlm(subsetDirectory());
    expect(data.benchmarks.map((benchmark) => benchmark.name)).toEqual(['gsm8k', 'mmlu']);
    const [gsm8k, mmlu] = data.benchmarks;
    expect(gsm8k?.items).toEqual([
      {
        prompt: 'Tom has 3 apples, buys 2.\nHow many?',
        group: 'gsm8k:Tom has 3 apples, buys 2. How many?',
        weak: 0,
        strong: 1,
      },
    ]);
    expect(gsm8k?.contaminatedDropped).toBe(1);
    expect(mmlu?.items.map((item) => item.group)).toEqual(['mmlu:anatomy', 'mmlu:virology']);
    expect(data.warnings).toEqual([
      expect.stringMatching(/^mmlu: no contamination list at .*contaminated_prompts\.jsonl/),
    ]);
  });

  it('names the path when the directory is missing or holds no RouteLLM file', () => {
    expect(() => loadRouteLlm('/nonexistent/routellm')).toThrow(
      'RouteLLM data directory /nonexistent/routellm does not exist',
    );
    const empty = mkdtempSync(join(tmpdir(), 'switchyard-routellm-'));
    expect(() => loadRouteLlm(empty)).toThrow(new RegExp(`no RouteLLM files in ${empty}`));
  });

  it('names the file, record and column of a bad outcome, and a missing model column', () => {
    const directory = mkdtempSync(join(tmpdir(), 'switchyard-routellm-'));
    writeFileSync(join(directory, 'gsm8k_responses.csv'), `${header}\nq,True,maybe\n`);
    expect(() => loadRouteLlm(directory)).toThrow(
      /gsm8k_responses\.csv: record 1, column "gpt-4-1106-preview": expected True or False, got "maybe"/,
    );
    writeFileSync(join(directory, 'gsm8k_responses.csv'), 'prompt,model-a,model-b\nq,True,False\n');
    expect(() => loadRouteLlm(directory)).toThrow(
      /no column "mistralai\/Mixtral-8x7B-Instruct-v0.1" \(columns: prompt, model-a, model-b\)/,
    );
  });

  it('reads the shared RouteLLM files: 760 GSM8K, 40 MMLU subjects, 72 MT-Bench questions after contamination', () => {
    const data = loadRouteLlm(sharedDataPath('routellm'));
    const byName = Object.fromEntries(data.benchmarks.map((benchmark) => [benchmark.name, benchmark]));
    expect(byName.gsm8k?.items).toHaveLength(760);
    expect(byName.gsm8k?.contaminatedDropped).toBe(9);
    expect(new Set(byName.mmlu?.items.map((item) => item.group)).size).toBe(40);
    expect(byName.mt_bench?.items).toHaveLength(72);
    // Both turns averaged: MT-Bench scores are 1-10, GSM8K and MMLU outcomes 0 or 1.
    expect(byName.mt_bench?.items.every((item) => item.weak >= 1 && item.strong <= 10)).toBe(true);
    expect(data.warnings).toEqual([]);
  });
});
