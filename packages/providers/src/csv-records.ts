/**
 * Rows of an RFC 4180 CSV text: comma-separated, fields in double quotes may hold commas, line
 * breaks and doubled quotes (`""`); lines end in LF or CRLF. Enough for data sets exported by
 * pandas (the RouteLLM files), without a dependency.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else quoted = false;
      continue;
    }
    if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (quoted) throw new SyntaxError('unterminated quoted field at the end of the CSV text');
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
