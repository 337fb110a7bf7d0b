import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';
import { type AdminAccess, requireAdminSession } from './admin-access.ts';

export const queueBoardPath = '/admin/queues';

/**
 * Bull Board at `/admin/queues` with every queue of the config (classify and each tier), behind
 * the admin session. `admin.readOnly` shows the same board without retry, clean, promote or
 * remove buttons, for on-call viewers who should look and not touch.
 */
export async function registerQueueBoard(
  app: FastifyInstance,
  context: ApiContext,
  access: AdminAccess,
): Promise<void> {
  // Loaded only where the admin pages are served: the board brings a view engine and a static
  // file server that every other API start would pay for.
  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/fastify'),
  ]);
  const readOnlyMode = context.config.admin.readOnly;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(queueBoardPath);
  createBullBoard({
    queues: context.runtime.queues.all().map((queue) => new BullMQAdapter(queue, { readOnlyMode })),
    serverAdapter,
    options: { uiConfig: { boardTitle: readOnlyMode ? 'Switchyard (read-only)' : 'Switchyard' } },
  });
  app.register(
    async (scope) => {
      requireAdminSession(scope, access);
      await scope.register(serverAdapter.registerPlugin());
    },
    { prefix: queueBoardPath },
  );
}
