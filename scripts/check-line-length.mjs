// Fails when a tracked TypeScript or module file has a line longer than the limit. Biome's formatter keeps code
// within 120 columns but cannot break string literals, regexes or comments, so this catches what it leaves.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const limit = 120;
// Paths from git ls-files are relative to the repository root, so run there whatever the caller's directory.
const root = fileURLToPath(new URL('..', import.meta.url));
const patterns = ['*.ts', '*.mts', '*.mjs'];

const files = execFileSync('git', ['ls-files', '-z', '--', ...patterns], { cwd: root, encoding: 'utf8' })
  .split('\0')
  // A tracked file deleted in the working tree has nothing left to check.
  .filter((file) => file !== '' && existsSync(join(root, file)));

const offenders = [];
for (const file of files) {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  lines.forEach((line, index) => {
    // Counted in characters (code points), not UTF-16 units or bytes, so '—' or '≤' counts as one.
    const length = [...line.replace(/\r$/, '')].length;
    if (length > limit) offenders.push(`${file}:${index + 1}: ${length} characters (limit ${limit})`);
  });
}

if (offenders.length > 0) {
  for (const offender of offenders) console.error(offender);
  console.error(`${offenders.length} line(s) exceed ${limit} characters.`);
  process.exit(1);
}
