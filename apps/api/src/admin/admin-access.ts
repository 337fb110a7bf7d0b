import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, sendError } from '../api-errors.ts';
import { loginPage } from './login-page.ts';
import {
  type AdminPrincipal,
  type AdminSessions,
  readCookie,
  sessionCookieName,
  sessionLifetimeSeconds,
} from './admin-session.ts';

/** Tells who an API key belongs to, or undefined for an unknown key. */
export type KeyCheck = (key: string) => AdminPrincipal | undefined;

export interface AdminAccess {
  sessions: AdminSessions;
  checkKey: KeyCheck;
}

/** Where a login may send the browser back to: the admin pages only, never another site. */
const safeNext = (next: unknown): string =>
  typeof next === 'string' && /^\/(admin\/queues|dashboard)(\/[\w./?=&%-]*)?$/.test(next) ? next : '/dashboard';

const bearer = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : undefined;
};

/**
 * The login of the admin pages: `GET /admin/login` shows a form, `POST /admin/login` checks the
 * key once and sets a signed session cookie (HttpOnly, SameSite=Strict, Secure behind HTTPS),
 * `POST /admin/logout` drops it. The key itself is never stored in the browser.
 */
export function registerAdminLogin(app: FastifyInstance, access: AdminAccess): void {
  app.register(async (scope) => {
    // The form posts urlencoded; only here, the rest of the API stays JSON-only.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.get('/admin/login', async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(loginPage(safeNext((request.query as { next?: unknown }).next))),
    );
    scope.post('/admin/login', async (request, reply) => {
      const form = (request.body ?? {}) as { key?: unknown; next?: unknown };
      const next = safeNext(form.next);
      const principal = typeof form.key === 'string' ? access.checkKey(form.key.trim()) : undefined;
      if (principal === undefined)
        return reply.code(401).type('text/html; charset=utf-8').send(loginPage(next, 'That key is not known.'));
      if (principal.role !== 'admin')
        return reply.code(403).type('text/html; charset=utf-8').send(loginPage(next, 'That key is not an admin key.'));
      const secure = request.protocol === 'https' ? '; Secure' : '';
      return reply
        .header(
          'set-cookie',
          `${sessionCookieName}=${access.sessions.issue(principal)}; ` +
            `HttpOnly; SameSite=Strict; Path=/; Max-Age=${sessionLifetimeSeconds}${secure}`,
        )
        .redirect(next, 303);
    });
    scope.post('/admin/logout', async (_request, reply) =>
      reply
        .header('set-cookie', `${sessionCookieName}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`)
        .redirect('/admin/login', 303),
    );
  });
}

/**
 * Guards every route of `scope`: an admin session cookie or `Authorization: Bearer <admin key>`.
 * A browser asking for a page without either is sent to the login form; anything else gets 401
 * (no or unknown key) or 403 (a client key).
 */
export function requireAdminSession(scope: FastifyInstance, access: AdminAccess): void {
  // The API's own key check lets through routes marked public without a key; this scope then
  // decides itself, from the session cookie (the board's scripts send no Authorization header).
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), public: true } as typeof route.config;
  });
  scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // Set by the API's key check when one ran first: a Bearer admin key, or open mode's local admin.
    const checked = (request as FastifyRequest & { principal?: AdminPrincipal | null }).principal;
    if (checked?.role === 'admin') return;
    const key = bearer(request);
    const principal =
      key === undefined
        ? access.sessions.verify(readCookie(request.headers.cookie, sessionCookieName))
        : access.checkKey(key);
    if (principal?.role === 'admin') return;
    if (principal !== undefined)
      return sendError(reply, new ApiError('admin_required', 'this page needs an admin key'));
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (wantsPage) return reply.redirect(`/admin/login?next=${encodeURIComponent(request.url)}`, 303);
    return sendError(
      reply,
      new ApiError('invalid_api_key', 'log in at /admin/login or send Authorization: Bearer <admin key>'),
    );
  });
}
