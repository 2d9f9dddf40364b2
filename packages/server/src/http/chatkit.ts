/**
 * @module http/chatkit: `POST /chatkit`, the ChatKit endpoint (docs/chatkit.md). One JSON body per request,
 * dispatched on `type`. Everything is validated, authenticated (the Chat API's tokens), authorized and written
 * before the first byte, so failures are HTTP errors; streaming requests then answer `data: <event>\n\n`
 * frames: the prelude, then the agent's events read back from the log until its runs finish. A client that
 * disconnects cancels the runs its request started (what was streamed is kept). Shares the Chat API's limits
 * (per user; a message posted through ChatKit also takes from the send bucket).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ChatKitRequest, CHATKIT_STREAMING } from '@parley/protocol';
import { cancelRunIds } from '../agents/cancel.js';
import type { AgentWorker } from '../agents/runner.js';
import {
  addFeedback,
  addMessage,
  addStructuredInput,
  addToolOutput,
  createThread,
  customAction,
  deleteThread,
  retryAfterItem,
  updateThread,
  type StreamPlan,
} from '../chatkit/actions.js';
import { createAttachment, deleteAttachment, withFreshPreviews } from '../chatkit/attachments.js';
import { followRuns, type ChatKitEvent } from '../chatkit/follow.js';
import { ordered } from '../chatkit/key-order.js';
import { accessThread, getThread, itemsPage, listThreads } from '../chatkit/threads.js';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import type { Actor } from '../security/identity.js';
import { actorOf } from './auth.js';
import type { LinkSigner, Links } from './links.js';
import type { RateLimiter } from './rate-limit.js';
import { openEventStream } from './event-stream.js';

const frame = (ev: ChatKitEvent) => `data: ${JSON.stringify(ev)}\n\n`;

/** The requests that post a person's message: they also take from the stricter send bucket, as a Chat API send does. */
const SENDS = new Set(['threads.create', 'threads.add_user_message']);

export const chatKitRoutes =
  (svc: Services, worker: AgentWorker, signer: LinkSigner, limiter?: RateLimiter): FastifyPluginAsync =>
  async (app) => {
    app.post('/chatkit', { schema: { hide: true } }, async (req, reply) => {
      const parsed = ChatKitRequest.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? issue.path.join('.') : 'request';
        throw new AppError('INVALID_INPUT', `${where}: ${issue?.message ?? 'invalid request'}`);
      }
      const body = parsed.data;
      const actor = actorOf(req);
      if (limiter && SENDS.has(body.type)) await limiter.send(actor.userId);
      const links = signer.forRequest(req);
      if (CHATKIT_STREAMING.has(body.type)) return stream(reply, await plan(actor, body, links));
      return answer(actor, body, links);
    });

    async function plan(actor: Actor, body: ChatKitRequest, links: Links): Promise<StreamPlan> {
      switch (body.type) {
        case 'threads.create':
          return createThread(svc, actor, body.params.input, links);
        case 'threads.add_user_message':
          return addMessage(svc, actor, body.params.thread_id, body.params.input, links);
        case 'threads.add_client_tool_output':
          return addToolOutput(svc, actor, body.params.thread_id, body.params.result);
        case 'threads.add_structured_input':
          return addStructuredInput(svc, actor, body.params.thread_id, body.params.item_id, body.params.input);
        case 'threads.retry_after_item':
          return retryAfterItem(svc, actor, body.params.thread_id, body.params.item_id);
        case 'threads.custom_action':
          return customAction(svc, actor, body.params.thread_id, body.params.item_id, body.params.action);
        default:
          throw new AppError('INVALID_INPUT', `${body.type} is not a streaming request`);
      }
    }

    async function answer(actor: Actor, body: ChatKitRequest, links: Links): Promise<unknown> {
      const db = svc.db.kysely;
      switch (body.type) {
        case 'threads.get_by_id': {
          const thread = await getThread(db, actor, body.params.thread_id);
          return { ...thread, items: { ...thread.items, data: await withFreshPreviews(svc, links, thread.items.data) } };
        }
        case 'threads.list':
          return listThreads(db, actor, body.params);
        case 'items.list': {
          const dialog = await accessThread(db, actor, body.params.thread_id);
          const page = await itemsPage(db, dialog.id, body.params);
          return { ...page, data: await withFreshPreviews(svc, links, page.data) };
        }
        case 'threads.update':
          return updateThread(svc, actor, body.params.thread_id, body.params.title);
        case 'threads.delete':
          await deleteThread(svc, actor, body.params.thread_id);
          return {};
        case 'items.feedback':
          await addFeedback(svc, actor, body.params.thread_id, body.params.item_ids, body.params.kind);
          return {};
        case 'threads.sync_custom_action': {
          const p = await customAction(svc, actor, body.params.thread_id, body.params.item_id, body.params.action);
          let updated: unknown;
          for await (const ev of followRuns(svc, p.dialogId, p.cursor, p.runIds, new AbortController().signal)) {
            if (ev.type === 'thread.item.replaced') updated = ev.item;
          }
          return updated === undefined ? {} : { updated_item: updated };
        }
        case 'input.transcribe':
          throw new AppError('NOT_IMPLEMENTED', 'No transcriber is configured');
        case 'attachments.create':
          return createAttachment(svc, actor, body.params, links);
        case 'attachments.delete':
          await deleteAttachment(svc, actor, body.params.attachment_id);
          return {};
        default:
          throw new AppError('INVALID_INPUT', `${body.type} is a streaming request`);
      }
    }

    async function stream(reply: FastifyReply, p: StreamPlan): Promise<void> {
      const res = openEventStream(reply);
      const controller = new AbortController();
      let finished = false;
      res.on('close', () => {
        if (finished) return;
        controller.abort();
        void cancelRunIds(svc, worker, p.runIds).catch((err: unknown) =>
          svc.log.warn({ err }, 'chatkit: cancelling after a disconnect failed'),
        );
      });
      try {
        for (const ev of p.prelude) res.write(frame(ordered(ev)));
        for await (const ev of followRuns(svc, p.dialogId, p.cursor, p.runIds, controller.signal)) res.write(frame(ev));
        finished = true;
        res.end();
      } catch (err) {
        svc.log.error({ err }, 'chatkit: stream failed');
        finished = true;
        res.destroy();
      }
    }
  };
