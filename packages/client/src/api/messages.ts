/**
 * @module api/messages: message pages (merged into the state), send through the outbox (ordered, idempotent,
 * kept while offline, resolved once stored), edit and delete.
 */
import { LIMITS } from '@parley/protocol';
import { newClientMessageId, type Outbox } from '../queue/outbox.js';
import type { ChatStore } from '../state/chat-store.js';
import type { Http } from './http.js';
import type { ListMessagesParams, Message, MessagePage, SearchHit, SearchMessagesParams, SearchPage, SendMessageInput } from './types.js';

const seg = encodeURIComponent;

export class MessagesApi {
  constructor(
    private readonly http: Http,
    private readonly store: ChatStore,
    private readonly outbox: Outbox,
  ) {}

  /**
   * A page of a dialog's messages (oldest first); the page also joins `client.state`.
   *
   * @example
   * const page = await client.messages.list(dialogId, { limit: 50 });
   * const older = await client.messages.list(dialogId, { before: page.messages[0].id });
   */
  async list(dialogId: string, params: ListMessagesParams = {}, signal?: AbortSignal): Promise<MessagePage> {
    const page = await this.http.data<MessagePage>({
      method: 'GET',
      path: `/api/v1/dialogs/${seg(dialogId)}/messages`,
      query: { ...params },
      signal,
    });
    this.store.mergeMessages(dialogId, page.messages);
    return page;
  }

  /** Every message after `afterId`, page by page (used to fill a gap). */
  async listAfter(dialogId: string, afterId: string, signal?: AbortSignal): Promise<Message[]> {
    const out: Message[] = [];
    let cursor = afterId;
    for (;;) {
      const page = await this.http.data<MessagePage>({
        method: 'GET',
        path: `/api/v1/dialogs/${seg(dialogId)}/messages`,
        query: { after: cursor, limit: LIMITS.messagesPageMax },
        signal,
      });
      out.push(...page.messages);
      const last = page.messages[page.messages.length - 1];
      if (!page.has_more_after || !last) return out;
      cursor = last.id;
    }
  }

  /**
   * One page of full-text search over the dialogs the user takes part in (newest first unless `order: 'relevance'`).
   * Each hit has the message, its dialog, and a `snippet` of escaped text with the matches in `<mark>`.
   *
   * @example
   * const page = await client.messages.search({ q: 'invoice', dialog_id });
   * const next = page.next_cursor && await client.messages.search({ q: 'invoice', dialog_id, cursor: page.next_cursor });
   */
  search(params: SearchMessagesParams, signal?: AbortSignal): Promise<SearchPage> {
    return this.http.data<SearchPage>({ method: 'GET', path: '/api/v1/messages/search', query: { ...params }, signal });
  }

  /**
   * Every hit of a search, page by page, as an async iterator (stop early with `break`).
   *
   * @example
   * for await (const hit of client.messages.searchAll({ q: '"delivery delayed"' })) console.log(hit.snippet);
   */
  async *searchAll(params: Omit<SearchMessagesParams, 'cursor'>, signal?: AbortSignal): AsyncGenerator<SearchHit> {
    let cursor: string | undefined;
    do {
      const page = await this.search({ ...params, cursor }, signal);
      yield* page.hits;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  get(dialogId: string, messageId: string, signal?: AbortSignal): Promise<Message> {
    return this.http.data({ method: 'GET', path: `/api/v1/dialogs/${seg(dialogId)}/messages/${seg(messageId)}`, signal });
  }

  /**
   * Sends a message. It shows at once as a pending message in `client.state`, is kept while the client is
   * offline, goes out in order with a `client_message_id` (a resend never duplicates), and the promise resolves
   * with the stored message. It rejects only when the server refuses it (a 4xx other than auth) or the client closes.
   *
   * @example
   * const stored = await client.messages.send(dialogId, 'Hello');
   * await client.messages.send(dialogId, { content: 'See attached', attachments: [ref] });
   */
  send(dialogId: string, input: string | SendMessageInput): Promise<Message> {
    const msg: SendMessageInput = typeof input === 'string' ? { content: input } : input;
    const clientMessageId = msg.client_message_id ?? newClientMessageId();
    const attachments = msg.attachments ?? [];
    this.store.putPending({
      client_message_id: clientMessageId,
      dialog_id: dialogId,
      content: msg.content,
      reply_to_id: msg.reply_to ?? null,
      attachments,
      created_at: new Date().toISOString(),
      status: 'queued',
      pending: true,
    });
    const body = {
      content: msg.content,
      attachments,
      client_message_id: clientMessageId,
      ...(msg.reply_to ? { reply_to: msg.reply_to } : {}),
    };
    return this.outbox.enqueue(dialogId, body);
  }

  /** Sends one message now, bypassing the queue (the outbox calls this). */
  post(dialogId: string, body: Record<string, unknown>): Promise<Message> {
    return this.http.data({ method: 'POST', path: `/api/v1/dialogs/${seg(dialogId)}/messages`, body });
  }

  edit(dialogId: string, messageId: string, content: string): Promise<Message> {
    return this.http.data({ method: 'PUT', path: `/api/v1/dialogs/${seg(dialogId)}/messages/${seg(messageId)}`, body: { content } });
  }

  async delete(dialogId: string, messageId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/api/v1/dialogs/${seg(dialogId)}/messages/${seg(messageId)}` });
  }
}
