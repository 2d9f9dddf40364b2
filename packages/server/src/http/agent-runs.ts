/** @module http/agent-runs: the Chat API's control of agent replies: POST /dialogs/{id}/agent-runs/cancel. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DialogParams, Uuid } from '@parley/protocol';
import { cancelRuns } from '../agents/cancel.js';
import type { AgentWorker } from '../agents/runner.js';
import type { Services } from '../context.js';
import { actorOf } from './auth.js';

const tags = ['chat'];
const security = [{ bearer: [] }];
const CancelBody = z.object({ run_id: Uuid.optional() }).optional();
const Cancelled = z.object({ data: z.object({ cancelled: z.array(z.string()) }) });

export const agentRunRoutes =
  (svc: Services, worker: AgentWorker): FastifyPluginAsync =>
  async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.post(
      '/dialogs/:id/agent-runs/cancel',
      { schema: { tags, security, params: DialogParams, body: CancelBody, response: { 200: Cancelled } } },
      async (req) => ({
        data: { cancelled: await cancelRuns(svc, worker, actorOf(req), req.params.id, req.body?.run_id) },
      }),
    );
  };
