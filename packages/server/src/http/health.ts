/**
 * @module http/health: liveness (`/health`: the process answers), readiness (`/health/ready`: the database
 * answers, from a probe cached for a second; see health/readiness.ts) and the OpenAPI document.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Readiness } from '../health/readiness.js';
import { VERSION } from '../version.js';

export const healthRoutes =
  (readiness: Readiness): FastifyPluginAsync =>
  async (app) => {
    app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok', version: VERSION }));
    app.get('/health/ready', { schema: { hide: true } }, async (_req, reply) => {
      const { ready, checks } = await readiness.check();
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    });
  };
