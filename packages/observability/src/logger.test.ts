import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'test', destination }) };
}

describe('createLogger', () => {
  it('writes an err with its stack and its cause, each with their own stack', () => {
    const { lines, logger } = capture();
    const cause = new Error('connection refused');
    logger.error({ err: new Error('every deployment failed', { cause }) }, 'request-fail-error');
    const err = lines[0]?.err as { type: string; message: string; stack: string; cause: Record<string, string> };
    expect(err.type).toBe('Error');
    expect(err.message).toBe('every deployment failed');
    expect(err.stack).toContain('logger.test.ts');
    expect(err.cause.message).toBe('connection refused');
    expect(err.cause.stack).toContain('logger.test.ts');
  });

  it('censors the HTTP exchange an SDK error carries, and API keys anywhere', () => {
    const { lines, logger } = capture();
    const sdkError = Object.assign(new Error('401 invalid x-api-key'), {
      status: 401,
      headers: { 'x-api-key': 'sk-secret' },
    });
    logger.warn({ err: new Error('provider refused', { cause: sdkError }), apiKey: 'sk-secret' }, 'provider-error');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('sk-secret');
    expect(lines[0]).toMatchObject({ err: { message: 'provider refused', cause: { status: 401 } } });
  });
});
