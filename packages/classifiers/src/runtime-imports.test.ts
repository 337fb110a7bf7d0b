import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sourceRoot = fileURLToPath(new URL('.', import.meta.url));

function productionFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return productionFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('what the classify worker loads', () => {
  // The worker imports this package: evaluation, training and test fixtures belong in the lab and the testkit.
  it('imports no test tool, no lab code and no path outside the package', () => {
    const offending = productionFiles(sourceRoot).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)]
        .map((match) => match[1] as string)
        .filter((target) => /^(vitest|@switchyard\/(testkit|lab))$|^\.\.\/\.\.\//.test(target))
        .map((target) => `${file.slice(sourceRoot.length)}: ${target}`),
    );
    expect(offending).toEqual([]);
  });
});
