import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';
import { type KeyCheck, registerAdminLogin } from './admin-access.ts';
import { AdminSessions } from './admin-session.ts';
import { registerDashboard } from './dashboard-routes.ts';
import { registerQueueBoard } from './queue-board.ts';

export interface AdminPagesOptions {
  /** Who a presented API key belongs to. */
  checkKey: KeyCheck;
  /** Signs the session cookies; every API replica must share it (`SWITCHYARD_SESSION_SECRET`). */
  sessionSecret?: string | undefined;
}

/** The login, Bull Board at `/admin/queues` and `/dashboard`, all behind an admin key. */
export async function registerAdminPages(
  app: FastifyInstance,
  context: ApiContext,
  options: AdminPagesOptions,
): Promise<void> {
  const access = { checkKey: options.checkKey, sessions: new AdminSessions(options.sessionSecret) };
  registerAdminLogin(app, access);
  await registerQueueBoard(app, context, access);
  registerDashboard(app, context, access);
}
