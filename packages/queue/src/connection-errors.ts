import { parseRedisAddress } from '@switchyard/core';

/** The part of a pino logger that connection errors are written to. */
export interface ConnectionLogger {
  warn(fields: object, message: string): void;
}

/** Reports one error of a Redis connection or a BullMQ object, `source` saying which. */
export type ConnectionErrorReporter = (source: string, error: unknown) => void;

/** Something that emits `error` events: an ioredis client, a BullMQ queue, worker or queue-events. */
interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * While Redis is away, every connection fails on each reconnect (every 2 s): the first error of a
 * kind is logged at once, repeats of it at most every 10 s with how many were held back, so an
 * hour-long outage writes a few hundred lines, not tens of thousands.
 */
const repeatIntervalMs = 10_000;

/**
 * The one way connection errors reach the log: a single JSON line through the process's logger
 * with the message only. Never the error object itself: ioredis keeps the failed command on it
 * (`HELLO 3 AUTH default <password>`), and printing the object (what BullMQ's `console.error`
 * fallback does when nobody listens) writes the password and a multi-line stack into the log.
 */
export function connectionErrorReporter(
  logger: ConnectionLogger,
  secrets: readonly string[],
  now: () => number = Date.now,
): ConnectionErrorReporter {
  const seen = new Map<string, { loggedAt: number; heldBack: number }>();
  return (source, error) => {
    const message = redact(messageOf(error), secrets);
    const code = codeOf(error);
    const kind = `${source}\u0000${code ?? ''}\u0000${message}`;
    const at = now();
    const last = seen.get(kind);
    if (last !== undefined && at - last.loggedAt < repeatIntervalMs) {
      last.heldBack += 1;
      return;
    }
    seen.set(kind, { loggedAt: at, heldBack: 0 });
    const repeated = last === undefined || last.heldBack === 0 ? {} : { repeated: last.heldBack };
    logger.warn({ source, ...(code === undefined ? {} : { code }), error: message, ...repeated }, 'redis-error');
  };
}

/** Listens to `error` on `emitter` (without a listener, ioredis and BullMQ print to the console). */
export function reportErrorsOf<Emitter extends ErrorEmitter>(
  emitter: Emitter,
  source: string,
  report: ConnectionErrorReporter,
): Emitter {
  emitter.on('error', (error) => report(source, error));
  return emitter;
}

/** The password of a Redis address, the string that must never be logged. */
export function redisSecrets(url: string): string[] {
  try {
    const address = parseRedisAddress(url);
    if (address.kind === 'cluster') return address.password === undefined ? [] : [address.password];
    const password = new URL(url).password;
    return password === '' ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // One line: an error message with line breaks would still split a JSON log line's reading.
  return message.replace(/\s*\n\s*/g, ' ');
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function redact(message: string, secrets: readonly string[]): string {
  return secrets.reduce((text, secret) => (secret.length === 0 ? text : text.split(secret).join('***')), message);
}
