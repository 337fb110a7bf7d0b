import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiErrorCodes } from './api-errors.ts';

describe('API error codes', () => {
  it('are all documented in the README, with their status', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(apiErrorCodes)) {
      expect(readme, `README documents ${code}`).toMatch(new RegExp(`\`${code}\` \\(${status}`));
    }
  });
});
