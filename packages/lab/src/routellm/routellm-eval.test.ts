import { loadConfig } from '@switchyard/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledLabeledSetPath, readLabeledSet } from '@switchyard/classifiers';
import { renderCurvesSvg } from './curves-svg.ts';
import { loadRouteLlm, type RouteLlmData } from './routellm-data.ts';
import { sharedDataPath } from '@switchyard/testkit';
import { evaluateRouteLlm, strongScore, type RouteLlmEvaluation } from './routellm-eval.ts';
import { splitBuiltIn } from './routellm-split.ts';

const config = loadConfig();
const labeledSet = readLabeledSet(bundledLabeledSetPath);

/** GSM8K and ten MMLU subjects of the shared files: the whole evaluation in a few seconds. */
function subset(): RouteLlmData {
  const data = loadRouteLlm(sharedDataPath('routellm'));
  const subjects = [
    'mmlu:anatomy',
    'mmlu:college_mathematics',
    'mmlu:high_school_geography',
    'mmlu:philosophy',
    'mmlu:astronomy',
    'mmlu:global_facts',
    'mmlu:prehistory',
    'mmlu:sociology',
    'mmlu:world_religions',
    'mmlu:human_aging',
  ];
  return {
    ...data,
    benchmarks: data.benchmarks
      .filter((benchmark) => benchmark.name !== 'mt_bench')
      .map((benchmark) => ({
        ...benchmark,
        items: benchmark.items.filter((item) => benchmark.name === 'gsm8k' || subjects.includes(item.group)),
      })),
  };
}

describe('evaluateRouteLlm on the shared RouteLLM files', () => {
  let evaluation: RouteLlmEvaluation;
  beforeAll(() => {
    evaluation = evaluateRouteLlm(config, splitBuiltIn(subset()), { labeledSet });
  });
  const router = (benchmark: string, name: string) =>
    evaluation.benchmarks
      .find((result) => result.benchmark === benchmark)
      ?.routers.find((result) => result.router === name);

  it('reports every router on every benchmark, with the random router at APGR 0.5', () => {
    expect(evaluation.benchmarks.map((benchmark) => benchmark.benchmark)).toEqual(['gsm8k', 'mmlu']);
    for (const benchmark of evaluation.benchmarks) {
      expect(benchmark.routers.map((result) => result.router)).toEqual([
        'random',
        'keywords',
        'rules',
        'centroid',
        'trained:labeled-set',
        'trained',
        'ensemble',
      ]);
      expect(benchmark.routers[0]?.apgr).toBeCloseTo(0.5, 9);
      expect(benchmark.routers[0]?.curve).toHaveLength(21);
    }
    expect(evaluation.meanApgr.random).toBeCloseTo(0.5, 9);
  });

  it('beats the random router on GSM8K with the best local strategy', () => {
    const best = Math.max(
      ...(['rules', 'centroid', 'trained:labeled-set', 'trained'] as const).map(
        (name) => router('gsm8k', name)?.apgr ?? 0,
      ),
    );
    expect(best).toBeGreaterThan(0.55);
  });

  it('reads the accuracy curve from all-weak to all-strong', () => {
    const random = router('gsm8k', 'random');
    const gsm8k = evaluation.benchmarks[0];
    expect(random?.curve[0]).toEqual({ strongShare: 0, accuracy: gsm8k?.weakPerformance, pgr: 0 });
    expect(random?.curve[20]?.accuracy).toBeCloseTo(gsm8k?.strongPerformance ?? 0, 12);
  });

  it('plots one line per router and benchmark, with the APGR in the legend', () => {
    const svg = renderCurvesSvg(evaluation);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(14);
    expect(svg).toContain('random (mean APGR 0.500)');
    expect(svg).toMatch(/gsm8k \((\d+) prompts\)/);
  });
});

describe('strongScore', () => {
  it('is the expected ladder position of the tier scores', () => {
    const verdict = {
      strategy: 'rules',
      tier: 'medium',
      route: 'general',
      confidence: 0.5,
      scores: { simple: 0.25, medium: 0.5, complex: 0.25, 'route:code': 1 },
    };
    expect(strongScore(verdict, ['simple', 'medium', 'complex'])).toBeCloseTo(0.5);
    expect(strongScore({ ...verdict, scores: { complex: 1 } }, ['simple', 'medium', 'complex'])).toBe(1);
    expect(strongScore(verdict, ['only'])).toBe(0);
  });
});
