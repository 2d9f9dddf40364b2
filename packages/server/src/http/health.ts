/** @module http/health: liveness, readiness (the database answers) and the OpenAPI document. */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../context.js';
import { VERSION } from '../version.js';

export const healthRoutes = (svc: Services): FastifyPluginAsync => async (app) => {
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok', version: VERSION }));
  app.get('/health/ready', { schema: { hide: true } }, async (_req, reply) => {
    const ok = await svc.db.ping();
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready' });
  });
};
