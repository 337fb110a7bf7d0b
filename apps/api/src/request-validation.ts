import { chatMessageSchema, chatRequestSchema, clientKeyPattern, formatPath, type ChatRequest } from '@switchyard/core';
import { z } from 'zod';
import { ApiError, type FieldProblem } from './api-errors.ts';

/** What one request may hold, on the single-request endpoints and in every item of a batch alike. */
export interface RequestLimits {
  /** Largest request, as compact JSON (`api.bodyLimitBytes`). */
  maxRequestBytes: number;
  /** Most messages in one request (`api.maxMessages`). */
  maxMessages: number;
}

/**
 * At most this many problems are listed in an error. A batch of 10,000 items with 50 bad messages
 * each once produced a 101 MB error body; nobody reads past the first screen anyway.
 */
export const maxListedProblems = 20;
/** A problem's message is cut here: an "unrecognized keys" message lists every key it was given. */
const maxMessageChars = 200;
/** Longest stretch a batch's validation holds the event loop before letting other work run. */
const yieldEveryMs = 20;

/** The fields of a request except its messages, which are checked one by one (see `checkRequest`). */
const requestShapeSchema = chatRequestSchema.extend({
  // Not `z.array(z.unknown())`: that walks every element once more (10 million in a 30 MB batch).
  messages: z.custom<unknown[]>(
    (value) => Array.isArray(value) && value.length > 0,
    'must be an array with at least one message',
  ),
});
/** One item of `POST /v1/batches`: a request plus the client's own id for it (unique in the batch). */
export const batchItemSchema = chatRequestSchema.extend({
  custom_id: z.string().regex(clientKeyPattern, 'must be 1-200 printable ASCII characters').optional(),
});
const batchItemShapeSchema = batchItemSchema.extend({ messages: requestShapeSchema.shape.messages });

export type BatchItem = z.infer<typeof batchItemSchema>;

/**
 * Problems found so far: the first `maxListedProblems` kept, the rest only counted. Once the list
 * is full, each request is checked only up to its first bad message, so the work stays one pass
 * over the input and the memory stays bounded whatever the input holds.
 */
class ProblemList {
  readonly listed: FieldProblem[] = [];
  count = 0;
  /** Set when checking ended at the cap, before the last item. */
  stopped = false;

  get full(): boolean {
    return this.listed.length >= maxListedProblems;
  }

  add(path: readonly PropertyKey[], message: string): void {
    this.count += 1;
    if (this.full) return;
    const cut = message.length > maxMessageChars ? `${message.slice(0, maxMessageChars)}...` : message;
    this.listed.push({ path: formatPath(path), message: cut });
  }

  addIssues(issues: readonly z.core.$ZodIssue[], pathPrefix: readonly PropertyKey[]): void {
    for (const issue of issues) this.add([...pathPrefix, ...issue.path], issue.message);
  }

  toError(): ApiError {
    const shown = this.listed.map((problem) => `${problem.path}: ${problem.message}`);
    const more = this.stopped
      ? ` (stopped at the first ${this.listed.length} problems; later fields and items were not checked)`
      : this.count > this.listed.length
        ? ` (and at least ${this.count - this.listed.length} more)`
        : '';
    return new ApiError(
      'invalid_body',
      `invalid request: ${shown.join('; ')}${more}`,
      this.listed[0]?.path ?? null,
      this.listed,
    );
  }
}

/** Validates one request of `POST /v1/requests` (and `/v1/route`): 400 naming the bad fields, 413 over a limit. */
export function parseChatRequest(body: unknown, limits: RequestLimits): ChatRequest {
  const problems = new ProblemList();
  const request = checkRequest(body, [], requestShapeSchema, limits, problems);
  if (request === undefined) throw problems.toError();
  return request;
}

/**
 * Validates the items of a batch, each with the same rules and limits as a single request. Paths
 * name the item as the client wrote it (`[3].messages[0].role`, or `requests[3]...` with a prefix).
 */
export async function parseBatchItems(
  items: Iterable<unknown>,
  limits: RequestLimits,
  pathPrefix: readonly PropertyKey[] = [],
): Promise<BatchItem[]> {
  const problems = new ProblemList();
  const parsed: BatchItem[] = [];
  let sliceStarted = performance.now();
  let index = 0;
  for (const item of items) {
    const request = checkRequest(item, [...pathPrefix, index], batchItemShapeSchema, limits, problems);
    index += 1;
    if (request !== undefined) parsed.push(request as BatchItem);
    // Stop early: a 20-problem answer is what a client reads, whatever the later items hold.
    if (problems.full) {
      problems.stopped = true;
      break;
    }
    // A 10,000-item batch takes a second or more to check: let `/healthz` and other requests in between.
    if (performance.now() - sliceStarted > yieldEveryMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
  if (problems.count > 0) throw problems.toError();
  return parsed;
}

/** Returns the parsed request, or undefined after adding its problems; over a limit it throws a 413 at once. */
function checkRequest(
  value: unknown,
  path: readonly PropertyKey[],
  shapeSchema: z.ZodType<Omit<ChatRequest, 'messages'> & { messages: unknown[] }>,
  limits: RequestLimits,
  problems: ProblemList,
): ChatRequest | undefined {
  const where = path.length === 0 ? 'the request' : formatPath(path);
  // The count first: it is free, and bounds the work of everything after it.
  const messages = (value as { messages?: unknown } | null)?.messages;
  if (Array.isArray(messages) && messages.length > limits.maxMessages) {
    throw new ApiError(
      'request_too_large',
      `${where} has ${messages.length} messages; at most ${limits.maxMessages} are accepted per request`,
      formatPath([...path, 'messages']),
    );
  }
  const shape = shapeSchema.safeParse(value);
  let valid = shape.success;
  if (!shape.success) problems.addIssues(shape.error.issues, path);
  for (const [index, message] of (Array.isArray(messages) ? messages : []).entries()) {
    const parsed = chatMessageSchema.safeParse(message);
    if (parsed.success) continue;
    problems.addIssues(parsed.error.issues, [...path, 'messages', index]);
    valid = false;
    if (problems.full) {
      problems.stopped = index < (messages as unknown[]).length - 1;
      break;
    }
  }
  if (!valid || !shape.success) return undefined;
  const request = shape.data as ChatRequest;
  const userProblem = missingUserContent(request);
  if (userProblem !== undefined) {
    problems.add([...path, ...userProblem.path], userProblem.message);
    return undefined;
  }
  // Only now: a valid request holds nothing but strings and numbers, so serialising it is safe and linear.
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > limits.maxRequestBytes) {
    throw new ApiError(
      'request_too_large',
      `${where} is ${bytes} bytes as JSON; at most ${limits.maxRequestBytes} bytes are accepted per request`,
      path.length === 0 ? null : formatPath(path),
    );
  }
  return request;
}

/**
 * A model needs something to answer: at least one user message with non-blank content. Without
 * it, providers would receive an empty conversation (an all-system request leaves none once the
 * system prompt is taken out).
 */
function missingUserContent(request: ChatRequest): { path: PropertyKey[]; message: string } | undefined {
  let lastUser = -1;
  for (const [index, message] of request.messages.entries()) {
    if (message.role !== 'user') continue;
    if (message.content.trim() !== '') return undefined;
    lastUser = index;
  }
  if (lastUser >= 0) return { path: ['messages', lastUser, 'content'], message: 'a user message must not be empty' };
  return {
    path: ['messages'],
    message: 'at least one message with role "user" and non-empty content is required',
  };
}
