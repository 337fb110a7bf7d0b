import fastifySwagger, { type StaticDocumentSpec } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';
import { buildOpenApiDocument } from './openapi-document.ts';

export const docsPath = '/docs';

/**
 * `GET /openapi.json` and Swagger UI at `/docs` (with its copy of the document at `/docs/json`),
 * both without a key: the document describes the API, it holds nothing of any key's. The UI's
 * scripts and styles are served from the installed package, so the page works with no internet.
 */
export function registerDocsRoutes(app: FastifyInstance, context: ApiContext): void {
  const document = buildOpenApiDocument(context.config);
  app.register(async (scope) => {
    // The UI registers its routes (and its static files) itself: every route of this scope is public.
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), public: true } as typeof route.config;
    });
    // Static mode: the document is ours (`openapi-document.ts`), not one collected from route
    // schemas, which the routes do not declare (they validate with zod themselves).
    await scope.register(fastifySwagger, {
      mode: 'static',
      // The plugin's type knows OpenAPI 3.0 documents only; it serves a 3.1 one unchanged.
      specification: { document: document as unknown as StaticDocumentSpec['document'] },
    });
    await scope.register(fastifySwaggerUi, {
      routePrefix: docsPath,
      theme: { title: 'Switchyard API' },
      // No badge from the online validator: the page makes no request beyond this API.
      validatorUrl: false,
    });
    scope.get('/openapi.json', async (_request, reply) => reply.header('cache-control', 'no-cache').send(document));
  });
}
