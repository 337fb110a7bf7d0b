import { readFileSync } from 'node:fs';
import { errorCodes } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { apiErrorCodes } from './api-errors.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it('of the API are all documented in the README, with their status', () => {
    for (const [code, { status }] of Object.entries(apiErrorCodes)) {
      expect(readme, `README documents ${code}`).toMatch(new RegExp(`\`${code}\` \\(${status}`));
    }
  });

  it('of request records are all documented in the README table of record codes', () => {
    for (const code of Object.keys(errorCodes)) {
      expect(readme, `README documents ${code}`).toMatch(new RegExp(`^\\| \`${code}\` \\| \\S`, 'm'));
    }
  });
});
