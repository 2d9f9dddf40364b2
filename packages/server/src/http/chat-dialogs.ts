/** @module http/chat-dialogs: the Chat API's dialog routes: lists, views, join/leave, per-user flags, participants. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ByObjectParams,
  ChatParticipant,
  DialogParams,
  DialogView,
  JoinBody,
  ListByObjectQuery,
  ListDialogsQuery,
  NotificationsBody,
  ReadBody,
  StatusBody,
} from '@parley/protocol';
import { setFlag, setNotifications, markRead } from '../actions/flags.js';
import { joinDialog, leaveDialog } from '../actions/participants.js';
import type { Services } from '../context.js';
import { getByObject, getDialogView, listByObject, listDialogs } from '../queries/dialogs.js';
import { listParticipants, type IsOnline } from '../queries/participants.js';
import { actorOf } from './auth.js';

const tags = ['chat'];
const security = [{ bearer: [] }];
const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

export const chatDialogRoutes =
  (svc: Services, isOnline: IsOnline): FastifyPluginAsync =>
  async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const db = svc.db.kysely;

    app.get(
      '/dialogs',
      { schema: { tags, security, querystring: ListDialogsQuery, response: { 200: data(z.array(DialogView)) } } },
      async (req) => ({
        data: await listDialogs(db, actorOf(req), req.query),
      }),
    );

    app.get(
      '/dialogs/by-object/:object_type/:object_id',
      { schema: { tags, security, params: ByObjectParams, response: { 200: data(DialogView.nullable()) } } },
      async (req) => ({ data: await getByObject(db, actorOf(req), req.params.object_type, req.params.object_id) }),
    );

    app.get(
      '/dialogs/by-object/:object_type/:object_id/list',
      { schema: { tags, security, params: ByObjectParams, querystring: ListByObjectQuery, response: { 200: data(z.array(DialogView)) } } },
      async (req) => ({ data: await listByObject(db, actorOf(req), req.params.object_type, req.params.object_id, req.query) }),
    );

    app.get('/dialogs/:id', { schema: { tags, security, params: DialogParams, response: { 200: data(DialogView) } } }, async (req) => ({
      data: await getDialogView(db, actorOf(req), req.params.id),
    }));

    app.post(
      '/dialogs/:id/join',
      {
        schema: {
          tags,
          security,
          params: DialogParams,
          body: JoinBody,
          response: { 200: z.object({ dialog_id: z.uuid(), status: z.literal('joined') }) },
        },
      },
      async (req) => joinDialog(svc, actorOf(req), req.params.id, req.body),
    );

    app.post('/dialogs/:id/leave', { schema: { tags, security, params: DialogParams, response: { 200: StatusBody } } }, async (req) =>
      leaveDialog(svc, actorOf(req), req.params.id),
    );

    const flags = [
      ['archive', 'archived', true],
      ['unarchive', 'archived', false],
      ['pin', 'pinned', true],
      ['unpin', 'pinned', false],
    ] as const;
    for (const [verb, flag, value] of flags) {
      app.post(`/dialogs/:id/${verb}`, { schema: { tags, security, params: DialogParams, response: { 200: StatusBody } } }, async (req) =>
        setFlag(svc, actorOf(req), req.params.id, flag, value),
      );
    }

    app.post(
      '/dialogs/:id/notifications',
      { schema: { tags, security, params: DialogParams, body: NotificationsBody, response: { 200: StatusBody } } },
      async (req) => setNotifications(svc, actorOf(req), req.params.id, req.body.enabled),
    );

    app.post(
      '/dialogs/:id/read',
      { schema: { tags, security, params: DialogParams, body: ReadBody, response: { 200: z.object({ success: z.boolean() }) } } },
      async (req) => markRead(svc, actorOf(req), req.params.id, req.body.last_read_message_id),
    );

    app.get(
      '/dialogs/:id/participants',
      { schema: { tags, security, params: DialogParams, response: { 200: data(z.array(ChatParticipant)) } } },
      async (req) => ({ data: await listParticipants(db, actorOf(req), req.params.id, isOnline) }),
    );
  };
