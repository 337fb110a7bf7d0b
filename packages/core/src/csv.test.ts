import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads plain records with LF or CRLF line ends and a missing final line break', () => {
    expect(parseCsv('a,b,c\n1,2,3\r\n4,5,6', 'x.csv')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
  });

  it('keeps commas, line breaks and doubled quotes inside quoted fields', () => {
    const text = 'prompt,answer\n"Add 2, then 3","Step 1:\n2 + 3 = 5\r\nHe said ""five"""\n';
    expect(parseCsv(text, 'x.csv')).toEqual([
      ['prompt', 'answer'],
      ['Add 2, then 3', 'Step 1:\n2 + 3 = 5\r\nHe said "five"'],
    ]);
  });

  it('keeps empty fields, including a trailing one, and skips blank lines and a byte-order mark', () => {
    expect(parseCsv('\ufeffa,,c\n\n"",x,\n', 'x.csv')).toEqual([
      ['a', '', 'c'],
      ['', 'x', ''],
    ]);
  });

  it('reports an unclosed quote at the line it opened, and text after a closing quote', () => {
    expect(() => parseCsv('a,b\n1,"never\nclosed', 'x.csv')).toThrow(/^x\.csv:2: a quoted field is never closed/);
    expect(() => parseCsv('a\n"one\ntwo"x', 'x.csv')).toThrow(/^x\.csv:3: unexpected "x" after a closing quote/);
  });
});
