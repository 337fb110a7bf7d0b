import { ApiError } from './api-errors.ts';

/**
 * The text of a `POST /v1/batches` body, unparsed. Parsing 30 MB of JSON in one `JSON.parse`
 * blocked the event loop for seconds (10 million tiny objects); the batch route instead cuts the
 * text into its items and parses them one at a time, between which other requests get their turn.
 */
export class BatchBodyText {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

export interface BatchItemText {
  index: number;
  text: string;
}

const space = new Set([0x20, 0x0a, 0x0d, 0x09]);
const quote = 0x22;
const backslash = 0x5c;

function invalidJson(message: string): ApiError {
  return new ApiError('invalid_json', `the body is not valid JSON: ${message}`);
}

/**
 * Finds the items of a batch body: a JSON array of requests, or an object whose `requests` key
 * holds that array (other keys are parsed and ignored). Yields each item's text, unparsed.
 */
export class BatchBodyScanner {
  private position = 0;
  /** Path prefix of items as the client wrote them: `[3]` or `requests[3]`. */
  readonly pathPrefix: readonly string[];
  private readonly itemsStart: number;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
    this.skipSpace();
    const first = this.text.charCodeAt(this.position);
    if (first === 0x5b) {
      this.pathPrefix = [];
      this.itemsStart = this.position;
      return;
    }
    if (first !== 0x7b) throw notABatch();
    this.pathPrefix = ['requests'];
    this.position += 1;
    const start = this.findRequestsKey(false);
    if (start === undefined) throw notABatch();
    this.itemsStart = start;
  }

  /** Item texts in order; throws `invalid_json` on a malformed body, after the items before the fault. */
  *items(): Generator<BatchItemText> {
    this.position = this.itemsStart + 1;
    this.skipSpace();
    if (this.text.charCodeAt(this.position) === 0x5d) {
      this.position += 1;
    } else {
      for (let index = 0; ; index += 1) {
        this.skipSpace();
        const start = this.position;
        const end = this.valueEnd(start);
        yield { index, text: this.text.slice(start, end) };
        this.position = end;
        this.skipSpace();
        const next = this.text.charCodeAt(this.position);
        this.position += 1;
        if (next === 0x5d) break;
        if (next !== 0x2c) throw invalidJson(`expected "," or "]" after ${this.itemName(index)}`);
      }
    }
    if (this.pathPrefix.length > 0) this.findRequestsKey(true);
    this.skipSpace();
    if (this.position < this.text.length)
      throw invalidJson(`unexpected text after the batch at offset ${this.position}`);
  }

  private itemName(index: number): string {
    return `${this.pathPrefix.join('')}[${index}]`;
  }

  /**
   * Walks `"key": value` pairs of the top-level object from the current position. Returns the
   * offset of the `requests` array (leaving the position there), or undefined at the closing `}`.
   */
  private findRequestsKey(afterValue: boolean): number | undefined {
    for (let pair = 0; ; pair += 1) {
      this.skipSpace();
      const code = this.text.charCodeAt(this.position);
      if (code === 0x7d) {
        this.position += 1;
        return undefined;
      }
      if (afterValue || pair > 0) {
        if (code !== 0x2c) throw invalidJson(`expected "," or "}" at offset ${this.position}`);
        this.position += 1;
        this.skipSpace();
      }
      const keyEnd = this.valueEnd(this.position);
      const key = parseJson(this.text.slice(this.position, keyEnd), 'a key of the body');
      this.position = keyEnd;
      this.skipSpace();
      if (this.text.charCodeAt(this.position) !== 0x3a) throw invalidJson(`expected ":" at offset ${this.position}`);
      this.position += 1;
      this.skipSpace();
      if (key === 'requests' && this.itemsStart === undefined) {
        if (this.text.charCodeAt(this.position) !== 0x5b) throw notABatch();
        return this.position;
      }
      const end = this.valueEnd(this.position);
      parseJson(this.text.slice(this.position, end), `the body's "${String(key)}"`);
      this.position = end;
    }
  }

  private skipSpace(): void {
    while (space.has(this.text.charCodeAt(this.position))) this.position += 1;
  }

  /**
   * Offset just after the JSON value starting at `start`; only strings and nesting are tracked,
   * `JSON.parse` judges the rest.
   */
  private valueEnd(start: number): number {
    const text = this.text;
    const first = text.charCodeAt(start);
    if (Number.isNaN(first)) throw invalidJson('the body ends early');
    if (first === quote) return this.stringEnd(start);
    if (first !== 0x7b && first !== 0x5b) {
      let end = start;
      while (end < text.length && !/[\s,\]}]/.test(text[end] ?? '')) end += 1;
      return end;
    }
    let depth = 0;
    for (let index = start; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (code === quote) index = this.stringEnd(index) - 1;
      else if (code === 0x7b || code === 0x5b) depth += 1;
      else if (code === 0x7d || code === 0x5d) {
        depth -= 1;
        if (depth === 0) return index + 1;
      }
    }
    throw invalidJson('the body ends early');
  }

  private stringEnd(start: number): number {
    let index = start;
    for (;;) {
      index = this.text.indexOf('"', index + 1);
      if (index < 0) throw invalidJson('the body ends inside a string');
      let backslashes = 0;
      while (this.text.charCodeAt(index - 1 - backslashes) === backslash) backslashes += 1;
      if (backslashes % 2 === 0) return index + 1;
    }
  }
}

function notABatch(): ApiError {
  return new ApiError(
    'invalid_body',
    'the body must be a JSON array of requests (or an object with a "requests" array)',
    'requests',
  );
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidJson(`${what}: ${(error as Error).message}`);
  }
}

export interface BatchItemsOptions {
  /** A longer item is refused unparsed (413): its UTF-8 form is at least as long as its text. */
  maxItemBytes: number;
  maxItems: number;
}

/** The parsed items of a batch body, one at a time, refusing the batch as soon as it breaks a limit. */
export function readBatchItems(
  body: unknown,
  options: BatchItemsOptions,
): { pathPrefix: readonly string[]; items: Iterable<unknown> } {
  if (!(body instanceof BatchBodyText)) throw notABatch();
  const scanner = new BatchBodyScanner(body.text);
  const name = (index: number) => `${scanner.pathPrefix.join('')}[${index}]`;
  function* items(): Generator<unknown> {
    let count = 0;
    for (const { index, text } of scanner.items()) {
      count += 1;
      if (index >= options.maxItems) {
        throw new ApiError(
          'batch_too_large',
          `the batch has more than ${options.maxItems} requests; at most ${options.maxItems} are accepted`,
          'requests',
        );
      }
      if (text.length > options.maxItemBytes) {
        throw new ApiError(
          'request_too_large',
          `${name(index)} is over ${options.maxItemBytes} bytes; ` +
            `at most ${options.maxItemBytes} bytes are accepted per request`,
          name(index),
        );
      }
      yield parseJson(text, name(index));
    }
    if (count === 0) throw new ApiError('invalid_body', 'the batch is empty', 'requests');
  }
  return { pathPrefix: scanner.pathPrefix, items: items() };
}
