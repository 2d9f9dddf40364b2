/** @module http/management: the Management API (host backend, admin token): dialogs, participants, scopes, tokens. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AccessScope,
  AddParticipantBody,
  CreateDialogBody,
  Dialog,
  DialogDetails,
  DialogIdParams,
  DialogParticipantParams,
  MintedToken,
  MintTokenBody,
  ReplaceScopesBody,
  SearchDialogBody,
} from '@parley/protocol';
import { createDialog, deleteDialog, replaceScopes } from '../actions/dialogs.js';
import { addParticipant, removeParticipant } from '../actions/participants.js';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { getDialogDetails, searchDialog } from '../queries/management.js';
import { timestamp } from '../wire.js';
import { adminGuard } from './auth.js';
import { loadAgent, refuseAgentIdentity } from '../agents/registry.js';

const tags = ['management'];
const security = [{ adminToken: [] }];
const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

export const managementRoutes =
  (svc: Services): FastifyPluginAsync =>
  async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    app.addHook('onRequest', adminGuard(svc));

    app.post('/dialogs', { schema: { tags, security, body: CreateDialogBody, response: { 200: data(Dialog) } } }, async (req) => ({
      data: await createDialog(svc, req.body),
    }));

    app.post(
      '/dialogs/search',
      { schema: { tags, security, body: SearchDialogBody, response: { 200: data(Dialog.nullable()) } } },
      async (req) => ({
        data: await searchDialog(svc.db.kysely, req.body.object_type, req.body.object_id, req.body.access_scopes),
      }),
    );

    app.get(
      '/dialogs/:id',
      { schema: { tags, security, params: DialogIdParams, response: { 200: data(DialogDetails) } } },
      async (req) => ({
        data: await getDialogDetails(svc.db.kysely, req.params.id),
      }),
    );

    app.delete('/dialogs/:id', { schema: { tags, security, params: DialogIdParams } }, async (req, reply) => {
      await deleteDialog(svc, req.params.id);
      return reply.status(204).send();
    });

    app.post(
      '/dialogs/:id/participants',
      { schema: { tags, security, params: DialogIdParams, body: AddParticipantBody } },
      async (req, reply) => {
        await addParticipant(svc, req.params.id, req.body);
        return reply.status(201).send();
      },
    );

    app.delete(
      '/dialogs/:id/participants/:user_id',
      { schema: { tags, security, params: DialogParticipantParams } },
      async (req, reply) => {
        await removeParticipant(svc, req.params.id, req.params.user_id);
        return reply.status(204).send();
      },
    );

    app.put(
      '/dialogs/:id/access-scopes',
      { schema: { tags, security, params: DialogIdParams, body: ReplaceScopesBody, response: { 200: data(z.array(AccessScope)) } } },
      async (req) => ({ data: await replaceScopes(svc, req.params.id, req.body) }),
    );

    app.post('/tokens', { schema: { tags, security, body: MintTokenBody, response: { 200: data(MintedToken) } } }, async (req) => {
      const max = svc.config.auth.tokenMaxTtlSecs;
      const ttl = req.body.ttl_seconds ?? max;
      if (ttl > max) throw new AppError('INVALID_INPUT', `ttl_seconds must be at most ${max}`);
      const { user_id: userId, scope, profile, origins, chatkit } = req.body;
      refuseAgentIdentity(userId);
      if (chatkit && !(await loadAgent(svc.db.kysely, chatkit.agent_id)))
        throw new AppError('INVALID_INPUT', `Unknown agent: ${chatkit.agent_id}`);
      const minted = await svc.tokens.mint({ userId, scope, profile, origins, chatkit, ttlSeconds: ttl });
      return { data: { token: minted.token, expires_at: timestamp(minted.expiresAt) } };
    });
  };
