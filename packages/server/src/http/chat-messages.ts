/** @module http/chat-messages: the Chat API's message routes: pages, send, one message, edit, delete. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DialogMessagesParams,
  EditMessageBody,
  ListMessagesQuery,
  Message,
  MessagePage,
  MessageParams,
  SendMessageBody,
} from '@parley/protocol';
import { deleteMessage, editMessage, sendMessage } from '../actions/messages.js';
import type { Services } from '../context.js';
import { messageOf } from '../queries/message-record.js';
import { getMessage, listMessages } from '../queries/messages.js';
import { actorOf } from './auth.js';
import type { LinkSigner } from './links.js';

const tags = ['chat'];
const security = [{ bearer: [] }];
const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

export const chatMessageRoutes =
  (svc: Services, signer: LinkSigner): FastifyPluginAsync =>
  async (base) => {
    const app = base.withTypeProvider<ZodTypeProvider>();
    const db = svc.db.kysely;

    app.get(
      '/dialogs/:dialog_id/messages',
      { schema: { tags, security, params: DialogMessagesParams, querystring: ListMessagesQuery, response: { 200: data(MessagePage) } } },
      async (req) => ({ data: await listMessages(db, actorOf(req), req.params.dialog_id, req.query, signer.forRequest(req)) }),
    );

    app.post(
      '/dialogs/:dialog_id/messages',
      { schema: { tags, security, params: DialogMessagesParams, body: SendMessageBody, response: { 200: data(Message) } } },
      async (req) => ({
        data: await messageOf(await sendMessage(svc, actorOf(req), req.params.dialog_id, req.body), signer.forRequest(req)),
      }),
    );

    app.get(
      '/dialogs/:dialog_id/messages/:id',
      { schema: { tags, security, params: MessageParams, response: { 200: data(Message) } } },
      async (req) => ({
        data: await getMessage(db, actorOf(req), req.params.dialog_id, req.params.id),
      }),
    );

    app.put(
      '/dialogs/:dialog_id/messages/:id',
      { schema: { tags, security, params: MessageParams, body: EditMessageBody, response: { 200: data(Message) } } },
      async (req) => ({ data: await editMessage(svc, actorOf(req), req.params.dialog_id, req.params.id, req.body.content) }),
    );

    app.delete('/dialogs/:dialog_id/messages/:id', { schema: { tags, security, params: MessageParams } }, async (req, reply) => {
      await deleteMessage(svc, actorOf(req), req.params.dialog_id, req.params.id);
      return reply.status(204).send();
    });
  };
