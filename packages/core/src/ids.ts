import { randomBytes } from 'node:crypto';

// Ids are lowercase base32 so they are safe in URLs, Redis keys and BullMQ job ids (which may
// not contain ':'). 16 random bytes = 128 bits: collisions are not a practical concern.
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

function randomId(prefix: string, separator = '_'): string {
  const bytes = randomBytes(16);
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return `${prefix}${separator}${out}`;
}

export const newRequestId = (): string => randomId('req');
/** What `newRequestId` makes: payloads and records are checked against it. */
export const requestIdPattern = /^req_[a-z2-7]+$/;
export const newBatchId = (): string => randomId('batch');
/** An uploaded file: `file-` like OpenAI's ids. Base32 holds no `-`, so these never look like `batchFileId`s. */
export const newFileId = (): string => randomId('file', '-');

/**
 * The output or error file of a batch created from a file: derived from the batch id, so every
 * API instance names the same file without storing it, and the file id leads back to its batch.
 */
export function batchFileId(batchId: string, part: 'output' | 'error'): string {
  return `file-${part === 'output' ? 'out' : 'err'}-${batchId.replace(/^batch_/, '')}`;
}

/** The batch and part a `batchFileId` names, or undefined for any other id. */
export function parseBatchFileId(fileId: string): { batchId: string; part: 'output' | 'error' } | undefined {
  const match = /^file-(out|err)-([a-z2-7]+)$/.exec(fileId);
  if (match === null) return undefined;
  return { batchId: `batch_${match[2]}`, part: match[1] === 'out' ? 'output' : 'error' };
}

/** Ids clients may hand us (idempotency keys, custom ids) must stay printable and bounded. */
export const clientKeyPattern = /^[\x21-\x7e]{1,200}$/;

/** Job id of the classification hop. */
export const classifyJobId = (requestId: string): string => `${requestId}-c`;

/** Job id of the n-th tier hop (0 = first tier run, 1 = first escalation, ...). */
export const tierJobId = (requestId: string, hop: number): string => `${requestId}-t${hop}`;
