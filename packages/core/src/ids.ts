import { randomBytes } from 'node:crypto';

// Ids are lowercase base32 so they are safe in URLs, Redis keys and BullMQ job ids (which may
// not contain ':'). 16 random bytes = 128 bits: collisions are not a practical concern.
const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

function randomId(prefix: string): string {
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
  return `${prefix}_${out}`;
}

export const newRequestId = (): string => randomId('req');
/** What `newRequestId` makes: payloads and records are checked against it. */
export const requestIdPattern = /^req_[a-z2-7]+$/;
export const newBatchId = (): string => randomId('batch');

/** Ids clients may hand us (idempotency keys, custom ids) must stay printable and bounded. */
export const clientKeyPattern = /^[\x21-\x7e]{1,200}$/;

/** Job id of the classification hop. */
export const classifyJobId = (requestId: string): string => `${requestId}-c`;

/** Job id of the n-th tier hop (0 = first tier run, 1 = first escalation, ...). */
export const tierJobId = (requestId: string, hop: number): string => `${requestId}-t${hop}`;
