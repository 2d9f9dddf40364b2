/** @module http/agents: the agent registry on the Management API (admin token): /api/v1/management/agents. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Agent, AgentIdParams, CreateAgentBody, PatchAgentBody } from '@parley/protocol';
import { createAgent, deleteAgent, getAgent, listAgents, patchAgent } from '../agents/registry.js';
import type { Services } from '../context.js';
import { adminGuard } from './auth.js';

const tags = ['management'];
const security = [{ adminToken: [] }];
const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

export const agentRoutes =
  (svc: Services): FastifyPluginAsync =>
  async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', adminGuard(svc));

    app.post('/agents', { schema: { tags, security, body: CreateAgentBody, response: { 201: data(Agent) } } }, async (req, reply) =>
      reply.status(201).send({ data: await createAgent(svc, req.body) }),
    );
    app.get('/agents', { schema: { tags, security, response: { 200: data(z.array(Agent)) } } }, async () => ({
      data: await listAgents(svc),
    }));
    app.get('/agents/:id', { schema: { tags, security, params: AgentIdParams, response: { 200: data(Agent) } } }, async (req) => ({
      data: await getAgent(svc, req.params.id),
    }));
    app.patch(
      '/agents/:id',
      { schema: { tags, security, params: AgentIdParams, body: PatchAgentBody, response: { 200: data(Agent) } } },
      async (req) => ({
        data: await patchAgent(svc, req.params.id, req.body),
      }),
    );
    app.delete('/agents/:id', { schema: { tags, security, params: AgentIdParams } }, async (req, reply) => {
      await deleteAgent(svc, req.params.id);
      return reply.status(204).send();
    });
  };
