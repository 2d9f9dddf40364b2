/**
 * @module http/metrics: `GET /metrics`, the Prometheus text format, behind the admin token (a scraper sends
 * `Authorization: Bearer <ADMIN_API_TOKEN>`); and the hook that times every request. See docs/metrics.md.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Services } from '../context.js';
import { adminGuard } from './auth.js';

/** Counts and times every answered request by its route pattern (never the raw URL: ids would explode labels). */
export function registerRequestMetrics(app: FastifyInstance, svc: Services): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    svc.metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    svc.metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
}

export const metricsRoutes =
  (svc: Services): FastifyPluginAsync =>
  async (app) => {
    app.addHook('onRequest', adminGuard(svc));
    app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
      const text = await svc.metrics.registry.metrics();
      return reply.type(svc.metrics.registry.contentType).send(text);
    });
  };
