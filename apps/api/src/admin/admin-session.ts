import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Who an admin session belongs to: the key's id (never the key) and its role. */
export interface AdminPrincipal {
  keyId: string;
  role: 'client' | 'admin';
}

export const sessionCookieName = 'switchyard_admin';
/** A working day: an on-call viewer logs in once per shift. */
export const sessionLifetimeSeconds = 8 * 3600;

/**
 * Signed admin sessions, kept in an HttpOnly cookie so that the board's and the dashboard's own
 * scripts (which cannot add an `Authorization` header to every call) are authenticated too.
 * `keyId.role.expiry.signature`: HMAC-SHA256 over the rest, with a secret every API replica
 * shares (`SWITCHYARD_SESSION_SECRET`); without one, a random per-process secret, so sessions
 * survive no restart and hold on one replica only.
 */
export class AdminSessions {
  private readonly secret: Buffer;

  constructor(secret: string | undefined) {
    this.secret = secret === undefined || secret === '' ? randomBytes(32) : Buffer.from(secret, 'utf8');
  }

  issue(principal: AdminPrincipal, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + sessionLifetimeSeconds;
    const body = `${encode(principal.keyId)}.${principal.role}.${expires}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The session's principal, or undefined when the value is forged, malformed or expired. */
  verify(value: string | undefined, now = Date.now()): AdminPrincipal | undefined {
    if (value === undefined) return undefined;
    const parts = value.split('.');
    if (parts.length !== 4) return undefined;
    const [keyId, role, expires, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(this.sign(`${keyId}.${role}.${expires}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (!/^\d+$/.test(expires) || Number(expires) * 1000 <= now) return undefined;
    if (role !== 'admin' && role !== 'client') return undefined;
    return { keyId: Buffer.from(keyId, 'base64url').toString('utf8'), role };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** The value of one cookie in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
