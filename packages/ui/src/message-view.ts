/** @module message-view: one message in a thread: bubble, sender, reply quote, content (DOMPurify), files, read state, actions. */
import { html, css, nothing } from 'lit';
import type { Message, PendingMessage } from '@parley/client';
import type { ChatSession } from './session.js';
import { renderAttachments, type Attachment } from './attachments.js';
import { formatTime, plainText, systemText } from './format.js';
import { safeHtml } from './sanitize.js';
import { icons } from './icons.js';
import type { ThreadItem } from '@parley/protocol';
import { renderItemBody } from './agent-view.js';

export interface MessageContext {
  session: ChatSession;
  /** The quoted message of a reply, when known. */
  quoted(id: string): Message | undefined;
  /** Whether another participant has read up to this message. */
  readByOthers(message: Message): boolean;
  onReply(message: Message): void;
  onEdit(message: Message): void;
  onDelete(message: Message): void;
  onJump(messageId: string): void;
  onOpenFile(message: Message, file: Attachment): void;
  /** The ChatKit item of an agent's message, when known (a widget renders from it). */
  agentItem(messageId: string): ThreadItem | undefined;
}

export const messageStyles = css`
  .msg {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    padding: 2px 12px;
    position: relative;
  }
  .msg.own {
    align-items: flex-end;
  }
  .bubble {
    max-width: min(560px, 85%);
    background: var(--_bubble);
    border-radius: var(--_radius);
    padding: 6px 10px;
    overflow-wrap: anywhere;
  }
  .own .bubble {
    background: var(--_own-bubble);
  }
  .msg.highlight .bubble {
    outline: 2px solid var(--_accent);
  }
  .sender {
    font-size: 12px;
    font-weight: 600;
    color: var(--_muted);
  }
  .content p {
    margin: 0;
  }
  .content blockquote {
    border-left: 3px solid var(--_border);
    margin: 2px 0;
    padding-left: 8px;
  }
  .content a {
    color: var(--_accent);
  }
  .content .mention,
  .content [data-type='mention'] {
    color: var(--_accent);
    font-weight: 600;
  }
  .meta {
    font-size: 11px;
    color: var(--_muted);
    display: flex;
    gap: 6px;
    justify-content: flex-end;
  }
  .quote {
    display: block;
    width: 100%;
    text-align: left;
    border-left: 3px solid var(--_accent);
    border-radius: 4px;
    background: var(--_surface);
    padding: 2px 8px;
    margin-bottom: 4px;
    font-size: 12px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .actions {
    display: flex;
    gap: 2px;
    opacity: 0;
    font-size: 12px;
  }
  .msg:hover .actions,
  .msg:focus-within .actions {
    opacity: 1;
  }
  .system {
    text-align: center;
    color: var(--_muted);
    font-size: 12px;
    padding: 6px 12px;
  }
  .pending .bubble {
    opacity: 0.75;
  }
`;

export function renderSystem(message: Message, session: ChatSession) {
  return html`<div class="system" role="listitem" data-message-id=${message.id}>${systemText(message.content, session.i18n)}</div>`;
}

export function renderMessage(message: Message, ctx: MessageContext) {
  const { session } = ctx;
  const t = session.i18n.t;
  const own = message.sender_id === session.userId;
  const quoted = message.reply_to_id ? ctx.quoted(message.reply_to_id) : undefined;
  const sender = session.name(message.sender_id);
  const item = message.sender_id?.startsWith('agent:') ? ctx.agentItem(message.id) : undefined;
  return html`<div class="msg ${own ? 'own' : ''}" role="listitem" data-message-id=${message.id} aria-label=${`${sender}: ${plainText(message.content)}`}>
    <div class="bubble">
      ${own ? nothing : html`<div class="sender">${sender}</div>`}
      ${
        message.reply_to_id
          ? html`<button class="quote" @click=${() => ctx.onJump(message.reply_to_id!)}>
            ${quoted ? `${session.name(quoted.sender_id)}: ${plainText(quoted.content)}` : t('msg.quoteMissing')}
          </button>`
          : nothing
      }
      ${
        // A widget and a tool call show from their item; a reply's stored HTML is the item's text already.
        item?.type === 'widget' || item?.type === 'client_tool_call'
          ? renderItemBody(item, session)
          : html`<div class="content">${safeHtml(message.content)}</div>`
      }
      ${renderAttachments(message.attachments ?? [], session.i18n, (file) => ctx.onOpenFile(message, file))}
      <div class="meta">
        ${message.last_edited_at ? html`<span>${t('msg.edited')}</span>` : nothing}
        <time datetime=${message.sent_at}>${formatTime(message.sent_at, session.i18n)}</time>
        ${own ? html`<span class="read-state" data-read=${String(ctx.readByOthers(message))}>${ctx.readByOthers(message) ? `✓✓ ${t('msg.read')}` : `✓ ${t('msg.sent')}`}</span>` : nothing}
      </div>
    </div>
    <div class="actions" role="group" aria-label=${t('msg.actions')}>
      <button @click=${() => ctx.onReply(message)}>${t('msg.reply')}</button>
      ${
        own
          ? html`<button @click=${() => ctx.onEdit(message)}>${t('msg.edit')}</button>
            <button @click=${() => ctx.onDelete(message)}>${t('msg.delete')}</button>`
          : nothing
      }
    </div>
  </div>`;
}

export function renderPending(message: PendingMessage, session: ChatSession) {
  const t = session.i18n.t;
  return html`<div class="msg own pending" role="listitem" data-pending=${message.status} data-client-message-id=${message.client_message_id}>
    <div class="bubble">
      <div class="content">${safeHtml(message.content)}</div>
      <div class="meta"><span>${icons.clock} ${message.status === 'sending' ? t('msg.sending') : t('msg.pending')}</span></div>
    </div>
  </div>`;
}
