import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';
import { parseChatRequest } from '../request-validation.ts';

/**
 * `POST /v1/route`: a dry run of classification. The body is a chat request as for
 * `POST /v1/requests`; the answer is the routing decision (the tier and route a job would get,
 * and the deployment that would answer first) plus every strategy's verdict and scores, also
 * of the strategies the chain would have skipped. No record is written and no job is run.
 */
export function registerRouteRoutes(app: FastifyInstance, context: ApiContext): void {
  app.post('/v1/route', async (request, reply) => {
    const chat = parseChatRequest(request.body, context.requestLimits);
    context.submissions.checkTiers(chat);
    const explanation = await context.classifier.explain(chat);
    const deployment = context.ladder.get(explanation.decision.tier).deployments[0];
    return reply.send({
      object: 'switchyard.route',
      tier: explanation.decision.tier,
      route: explanation.decision.route,
      deployment: deployment === undefined ? null : { provider: deployment.provider, model: deployment.model },
      decision: explanation.decision,
      strategies: explanation.strategies,
      counters: explanation.counters,
    });
  });
}
