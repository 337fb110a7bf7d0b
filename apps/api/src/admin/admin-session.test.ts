import { describe, expect, it } from 'vitest';
import { AdminSessions, readCookie, sessionLifetimeSeconds } from './admin-session.ts';

describe('AdminSessions', () => {
  const sessions = new AdminSessions('a shared secret');

  it('verifies what it issued, for its lifetime only', () => {
    const now = Date.UTC(2026, 0, 1);
    const value = sessions.issue({ keyId: 'ops.team', role: 'admin' }, now);
    expect(sessions.verify(value, now)).toEqual({ keyId: 'ops.team', role: 'admin' });
    expect(new AdminSessions('a shared secret').verify(value, now)).toEqual({ keyId: 'ops.team', role: 'admin' });
    expect(sessions.verify(value, now + sessionLifetimeSeconds * 1000)).toBeUndefined();
  });

  it('refuses a forged role, another secret and malformed values', () => {
    const value = sessions.issue({ keyId: 'team-a', role: 'client' });
    const forged = value.replace('.client.', '.admin.');
    expect(sessions.verify(forged)).toBeUndefined();
    expect(new AdminSessions('another secret').verify(value)).toBeUndefined();
    expect(new AdminSessions(undefined).verify(value)).toBeUndefined();
    for (const bad of ['', 'a.b.c', 'a.b.c.d.e', `${value}x`]) expect(sessions.verify(bad)).toBeUndefined();
  });

  it('reads one cookie among several', () => {
    expect(readCookie('a=1; switchyard_admin=x.y; b=2', 'switchyard_admin')).toBe('x.y');
    expect(readCookie(undefined, 'switchyard_admin')).toBeUndefined();
  });
});
