import { describe, expect, it } from 'vitest';
import type { SoakFigures, SoakMemory } from './soak.ts';
import { soakLines } from './soak-report.ts';

const row = (measure: SoakMemory['measure'], warm: number, end: number): SoakMemory => {
  const growth = Math.round(((end - warm) / warm) * 100) / 100;
  return { name: 'api', measure, warm, end, growth, judged: measure !== 'rss', within: growth <= 0.2 };
};

const figures = (memory: SoakMemory[]): SoakFigures => ({
  requests: 4_000,
  retentionSeconds: 120,
  bound: 0.2,
  loadMs: 13_000,
  requestsPerSecond: 308,
  notCompleted: 0,
  settleMs: 190_000,
  totalMs: 236_000,
  memory,
  redisKeys: { warm: 6_349, end: 80 },
});

describe('soakLines', () => {
  it('shows RSS as found without judging it; the verdict comes from the figures after a full GC', () => {
    const markdown = soakLines(
      figures([row('rss', 299, 469), row('rss-after-gc', 137, 140), row('heap-used-after-gc', 40.8, 40.1)]),
    ).join('\n');
    expect(markdown).toContain('| api | RSS as found | 299 | 469 | 57 % | not judged |');
    expect(markdown).toContain('| api | JS heap used after a full GC | 40.8 | 40.1 | -2 % | yes |');
    expect(markdown).toContain('above the warm-up level: met');
  });

  it('misses the bound when a judged figure grew past it', () => {
    const markdown = soakLines(figures([row('rss', 299, 300), row('heap-used-after-gc', 40, 60)])).join('\n');
    expect(markdown).toContain('| api | JS heap used after a full GC | 40 | 60 | 50 % | no |');
    expect(markdown).toContain('above the warm-up level: missed');
  });
});
