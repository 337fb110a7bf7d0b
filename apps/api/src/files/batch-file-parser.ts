import { clientKeyPattern, type ChatRequest } from '@switchyard/core';
import { ApiError } from '../api-errors.ts';
import type { Submission } from '../submission.ts';

export interface BatchFileRules {
  /** The batch's endpoint: every line's `url` must be it. */
  endpoint: string;
  /** Most requests in one file (`api.maxBatchSize`). */
  maxRequests: number;
  /** Largest `body` of one line, as compact JSON (`api.bodyLimitBytes`, the chat route's body limit). */
  maxBodyBytes: number;
  /** The endpoint's own check of one body; throws an `ApiError` naming the problem. */
  parseBody: (body: unknown) => ChatRequest;
}

/** Longest stretch parsing holds the event loop: 10,000 lines take a second or more to check. */
const yieldEveryMs = 20;

/** A problem of one line, as the client reads it: `line 7: url: ...`, with the number in `line`. */
function lineProblem(line: number, message: string, param: string | null): never {
  throw new ApiError('invalid_batch_file', `line ${line}: ${message}`, param, [], { line });
}

/**
 * A problem the body's own check found, moved into the line: paths are prefixed with `body.`.
 * `request_too_large` stays a 413, as for an item of a JSON batch; every other problem is the
 * file's (400).
 */
function bodyProblem(line: number, error: ApiError): never {
  const param = error.param === null ? 'body' : `body.${error.param}`;
  let reason: string;
  if (error.details.length > 0)
    reason = error.details.map((detail) => `body.${detail.path}: ${detail.message}`).join('; ');
  else if (error.param !== null && error.message.startsWith(`${error.param}:`)) reason = `body.${error.message}`;
  else reason = `body: ${error.message}`;
  const code = error.code === 'request_too_large' ? 'request_too_large' : 'invalid_batch_file';
  throw new ApiError(code, `line ${line}: ${reason}`, param, [], { line });
}

/** The request of one line: `{custom_id, method: "POST", url, body}`. Line numbers count from 1. */
function parseLine(text: string, line: number, rules: BatchFileRules): Submission {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    lineProblem(line, `not valid JSON (${(error as Error).message})`, null);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    lineProblem(line, 'expected a JSON object with "custom_id", "method", "url" and "body"', null);
  const { custom_id: customId, method, url, body } = value as Record<string, unknown>;
  if (typeof customId !== 'string' || !clientKeyPattern.test(customId))
    lineProblem(line, 'custom_id: required, 1-200 printable ASCII characters', 'custom_id');
  if (method !== 'POST')
    lineProblem(
      line,
      `method: must be "POST"${method === undefined ? '' : `, not ${JSON.stringify(method)}`}`,
      'method',
    );
  if (url !== rules.endpoint) {
    const reason =
      url === undefined
        ? `required: "${rules.endpoint}"`
        : `${JSON.stringify(url)} is not supported here: this batch's endpoint is "${rules.endpoint}", ` +
          'and every line must use it';
    lineProblem(line, `url: ${reason}`, 'url');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    lineProblem(line, `body: required, a request object for ${rules.endpoint}`, 'body');
  // A valid line holds only what JSON.parse made: serialising it again is linear and safe.
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > rules.maxBodyBytes) {
    throw new ApiError(
      'request_too_large',
      `line ${line}: body is ${bytes} bytes as JSON; at most ${rules.maxBodyBytes} bytes are accepted per request`,
      'body',
      [],
      { line },
    );
  }
  try {
    return { request: rules.parseBody(body), customId };
  } catch (error) {
    if (error instanceof ApiError) bodyProblem(line, error);
    throw error;
  }
}

/**
 * Parses a batch input file (JSONL, one request per line; blank lines are skipped) into the
 * batch's submissions. The whole file is refused at its first bad line, naming the line and
 * the problem; `custom_id`s must be unique.
 */
export async function parseBatchFile(content: Buffer, rules: BatchFileRules): Promise<Submission[]> {
  const text = content.toString('utf8').replace(/^\uFEFF/, '');
  const submissions: Submission[] = [];
  const lineOf = new Map<string, number>();
  let sliceStarted = performance.now();
  let line = 0;
  for (const raw of text.split('\n')) {
    line += 1;
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineText.trim() === '') continue;
    if (submissions.length >= rules.maxRequests) {
      throw new ApiError(
        'batch_too_large',
        `line ${line}: the file holds more than ${rules.maxRequests} requests, the most one batch takes`,
        null,
        [],
        { line },
      );
    }
    const submission = parseLine(lineText, line, rules);
    const customId = submission.customId ?? '';
    const earlier = lineOf.get(customId);
    if (earlier !== undefined) {
      throw new ApiError(
        'duplicate_custom_id',
        `line ${line}: custom_id "${customId}" is already used on line ${earlier}; each request needs its own`,
        'custom_id',
        [],
        { line },
      );
    }
    lineOf.set(customId, line);
    submissions.push(submission);
    if (performance.now() - sliceStarted > yieldEveryMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
  if (submissions.length === 0) throw new ApiError('invalid_batch_file', 'the file holds no requests', 'input_file_id');
  return submissions;
}
