/**
 * An RFC 4180 CSV parser: fields separated by commas, records by CRLF or LF; a field in double
 * quotes may hold commas, line breaks and doubled quotes (`""` is one `"`). The RouteLLM files
 * quote every model answer, and answers span many lines, so splitting on newlines would not do.
 * A leading byte-order mark is dropped; blank lines are skipped. Errors name the source and line.
 */
export function parseCsv(text: string, source: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let atFieldStart = true;
  // Anything read since the last record ended: a last line without a line break still counts.
  let recordOpen = false;
  let line = 1;
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const endRecord = () => {
    record.push(field);
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
    field = '';
    atFieldStart = true;
    recordOpen = false;
  };

  while (index < text.length) {
    const char = text[index] as string;
    if (char === '"' && atFieldStart) {
      const openedOn = line;
      const start = index + 1;
      let end = start;
      let value = '';
      for (;;) {
        const close = text.indexOf('"', end);
        if (close < 0) throw new Error(`${source}:${openedOn}: a quoted field is never closed`);
        value += text.slice(end, close);
        if (text[close + 1] === '"') {
          value += '"';
          end = close + 2;
          continue;
        }
        index = close + 1;
        break;
      }
      for (let position = start; position < index; position += 1) if (text.charCodeAt(position) === 0x0a) line += 1;
      field = value;
      atFieldStart = false;
      recordOpen = true;
      const next = text[index];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new Error(
          `${source}:${line}: unexpected ${JSON.stringify(next)} after a closing quote ` +
            '(a quote inside a field must be doubled)',
        );
      }
    } else if (char === ',') {
      record.push(field);
      field = '';
      atFieldStart = true;
      recordOpen = true;
      index += 1;
    } else if (char === '\n' || (char === '\r' && text[index + 1] === '\n')) {
      endRecord();
      line += 1;
      index += char === '\r' ? 2 : 1;
    } else {
      field += char;
      atFieldStart = false;
      recordOpen = true;
      index += 1;
    }
  }
  if (recordOpen) endRecord();
  return records;
}
