import { createHash, randomBytes } from 'node:crypto';

/** The form `auth.keys[].hash` takes: what the config stores instead of the secret. */
export function hashApiKey(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

/**
 * A new secret: 32 random bytes (256 bits, so guessing is hopeless and a plain SHA-256 is enough;
 * a slow password hash would only add latency to every request) in base64url, behind a prefix
 * that secret scanners and people recognise.
 */
export function newApiKey(): string {
  return `sy-${randomBytes(32).toString('base64url')}`;
}
