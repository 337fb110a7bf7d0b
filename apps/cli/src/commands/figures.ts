/** Formatting and parsing shared by the evaluation commands. */

export function percent(value: number, decimals = 1): string {
  return `${(value * 100).toFixed(decimals)}%`;
}

/** A share from 0 to 1 given on the command line; undefined when the flag is absent. */
export function parseShare(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const share = Number(value);
  if (value.trim() === '' || !Number.isFinite(share) || share < 0 || share > 1)
    throw new Error(`${flag}: "${value}" is not a share between 0 and 1`);
  return share;
}

/** Left-aligned text columns; numbers are already formatted by the caller. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
