import { loadConfig, parseConfig } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { policyPrompt, promptExcerpt } from './llm-policy-prompt.ts';

const config = loadConfig();

describe('policyPrompt', () => {
  it('lists each tier with its description and each route with its system prompt and keywords', () => {
    const { system, routeNames } = policyPrompt(config.tiers, config.routes, 'general');
    expect(routeNames).toEqual(['code', 'legal', 'creative', 'general']);
    const lines = system.split('\n');
    const simple = config.tiers[0]?.description ?? '';
    expect(simple).not.toBe('');
    expect(lines).toContain(`- simple (cheapest, weakest): ${simple}`);
    expect(lines.find((line) => line.startsWith('- complex (most capable, most expensive): '))).toBeDefined();
    const code = lines.find((line) => line.startsWith('- code: ')) ?? '';
    expect(code).toContain('answered as "You are a senior software engineer.');
    expect(code).toMatch(/typical words: code, function, bug, .*, \.\.\.$/);
    expect(lines).toContain(
      '- general: any request no other route fits; answered as "You are a helpful, accurate ' +
        'assistant. Be concise."',
    );
    expect(system).toContain(
      '{"tier": one of ["simple","medium","complex"], ' +
        '"route": one of ["code","legal","creative","general"], "confidence": a number from 0 to 1',
    );
  });

  it('shows only the ladder place of a tier without a description', () => {
    const bare = parseConfig({ ...config, tiers: config.tiers.map(({ description: _, ...tier }) => tier) });
    const { system } = policyPrompt(bare.tiers, bare.routes, 'general');
    expect(system.split('\n')).toContain('- medium (in between)');
  });
});

describe('promptExcerpt', () => {
  it('keeps a short prompt whole and the head and tail of a long one within the budget', () => {
    expect(promptExcerpt('hello', 2_000)).toBe('hello');
    const long = `START${'x'.repeat(10_000)}END`;
    const excerpt = promptExcerpt(long, 2_000);
    expect(excerpt.startsWith('START')).toBe(true);
    expect(excerpt.endsWith('END')).toBe(true);
    expect(excerpt.length).toBe(2_000 + '\n[...]\n'.length);
  });
});
