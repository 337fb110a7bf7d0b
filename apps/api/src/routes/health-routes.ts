import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';

export function registerHealthRoutes(app: FastifyInstance, context: ApiContext): void {
  /** Liveness: the process serves HTTP. */
  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));

  /** Readiness: Redis answers a PING within a second. */
  app.get('/readyz', { config: { public: true } }, async (_request, reply) => {
    const redis = context.runtime.redis;
    const answered = await Promise.race([
      redis.status === 'ready'
        ? redis.ping().then(
            () => true,
            () => false,
          )
        : Promise.resolve(false),
      new Promise<boolean>((resolve) => setTimeout(resolve, 1_000, false).unref()),
    ]);
    if (answered) return { status: 'ready', redis: 'ok' };
    return reply.code(503).send({ status: 'unavailable', redis: `not answering (connection ${redis.status})` });
  });
}
