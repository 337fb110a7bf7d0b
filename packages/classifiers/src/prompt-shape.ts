/** Surface features of a prompt that hint at how much work it asks for, whatever it is about. */
export interface PromptShape {
  /** Length of the whole prompt in UTF-16 code units. */
  chars: number;
  /**
   * Words in the text read. Each Han, kana or kanji character counts as half a word: those scripts
   * do not put spaces between words, and a word there is one to three characters long.
   */
  words: number;
  /** Question marks, ASCII or full-width. */
  questions: number;
  /** Runs of digits ("8,000" and "6.5" count once): many given quantities mean a multi-step problem. */
  numbers: number;
  /** Lines that start like a numbered or bulleted list item. */
  listItems: number;
  /** A fenced block (```), or several lines that look like pasted source code. */
  hasCode: boolean;
}

// The `m` flag makes ^ and $ line anchors; counted with exec so no match arrays are built.
const listItemLine = /^[ \t]*(?:\d{1,3}[.)]|[-*•])[ \t]+\S/gmu;
// Lines ending like statements or blocks (`;`, `{`, `}`, Python's `):`), or indented by 4+ spaces.
const codeLikeLine = /(?:[;{}]|\)\s*:)[ \t]*$|^(?: {4}|\t)[ \t]*\S/gmu;
const codeLinesForCode = 3;

/** `text` is what the strategy reads (bounded); `chars` is taken from the full prompt. */
export function measurePrompt(prompt: string, text: string): PromptShape {
  let words = 0;
  let questions = 0;
  let numbers = 0;
  let inWord = false;
  let inNumber = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x3f || code === 0xff1f) questions += 1;
    if (isDigit(code)) {
      if (!inNumber) numbers += 1;
      inNumber = true;
    } else if (!((code === 0x2c || code === 0x2e) && inNumber && isDigit(text.charCodeAt(index + 1)))) {
      inNumber = false;
    }
    if (isSpace(code)) {
      inWord = false;
    } else if (isCjk(code)) {
      words += 0.5;
      inWord = false;
    } else if (!inWord) {
      words += 1;
      inWord = true;
    }
  }
  return {
    chars: prompt.length,
    words,
    questions,
    numbers,
    listItems: countMatches(listItemLine, text),
    hasCode: text.includes('```') || countMatches(codeLikeLine, text) >= codeLinesForCode,
  };
}

function countMatches(pattern: RegExp, text: string): number {
  let count = 0;
  // The regexes are shared; resetting lastIndex is safe because this loop never yields.
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    count += 1;
    // Guard against an empty match looping forever on the same index.
    if (match[0].length === 0) pattern.lastIndex += 1;
  }
  return count;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d || code === 0xa0 || code === 0x3000;
}

/** CJK ideographs (incl. extension A and compatibility), hiragana and katakana. */
function isCjk(code: number): boolean {
  return (code >= 0x3040 && code <= 0x30ff) || (code >= 0x3400 && code <= 0x9fff) || (code >= 0xf900 && code <= 0xfaff);
}
