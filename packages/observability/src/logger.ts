import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface LoggerSettings {
  /** Component name, e.g. `api`, `executor.simple`. */
  name: string;
  level?: string;
  /** Where log lines go; standard error by default so that standard output stays for results. */
  destination?: NodeJS.WritableStream;
}

// Anything that may hold a credential or a prompt is censored wherever it appears in a log
// object: API keys travel in `authorization`, prompts and answers in chat bodies and records.
const redactPaths = [
  'secret',
  '*.secret',
  'messages',
  '*.messages',
  'prompt',
  '*.prompt',
  'body',
  '*.body',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  // SDK errors carry the HTTP exchange; the serializer copies an error's own fields, causes' too.
  'err.headers',
  'err.request',
  'err.cause.headers',
  'err.cause.request',
  // ioredis errors keep the failed command, and an AUTH or HELLO command carries the password.
  'err.command',
  'err.cause.command',
];

/**
 * The one way Switchyard creates loggers: JSON lines, credentials redacted. Log an error as
 * `{ err }`: it is written with its type, message, stack and own fields, and its `cause` chain
 * the same way (pino's default `err` serializer folds causes into one message and drops their
 * stacks).
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name: settings.name,
    level: settings.level ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.errWithCause },
    base: { pid: process.pid },
  };
  return pino(options, settings.destination ?? process.stderr);
}
