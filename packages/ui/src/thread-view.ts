/** @module thread-view: the conversation's header, its timeline (day separators, the new-messages line, messages, pending sends) and the reply/edit bar. */
import { html, nothing } from 'lit';
import type { ChatParticipant, DialogView, Message, PendingMessage } from '@parley/client';
import type { ChatSession } from './session.js';
import { dayKey, dialogTitle, formatDay } from './format.js';
import { icons } from './icons.js';
import { renderMessage, renderPending, renderSystem, type MessageContext } from './message-view.js';
import { renderStreaming } from './agent-view.js';
import type { AgentActivity } from './agent-activity.js';

export function renderTimeline(
  messages: Message[],
  pending: PendingMessage[],
  firstUnread: string | undefined,
  ctx: MessageContext,
  agents?: AgentActivity,
) {
  const { session } = ctx;
  const out: unknown[] = [];
  let day = '';
  for (const m of messages) {
    const key = dayKey(m.sent_at);
    if (key !== day) {
      day = key;
      out.push(html`<div class="day" role="listitem">${formatDay(m.sent_at, session.i18n)}</div>`);
    }
    if (m.id === firstUnread) out.push(html`<div class="unread-line" role="listitem">${session.i18n.t('thread.newMessages')}</div>`);
    out.push(m.message_type === 'system' ? renderSystem(m, session) : renderMessage(m, ctx));
  }
  for (const p of pending) out.push(renderPending(p, session));
  // Agent replies still streaming; a finished one is already in `messages` (same id), so it is never shown twice.
  for (const p of agents?.pending ?? [])
    if (!messages.some((m) => m.id === p.item.id)) out.push(renderStreaming(p, agents!.agentOf(p.run_id), session));
  return out;
}

export interface HeaderArgs {
  session: ChatSession;
  view: DialogView | undefined;
  participants: ChatParticipant[];
  joined: boolean;
  showBack: boolean;
  onBack(): void;
  onInfo(): void;
}

export function renderThreadHeader(a: HeaderArgs) {
  const t = a.session.i18n.t;
  const state = a.session.client.state.get();
  const me = a.session.userId;
  const online = a.participants.filter((p) => p.user_id !== me && (state.presence[p.user_id] ?? p.is_online)).length;
  const title = a.view ? dialogTitle(a.view) : '';
  return html`<header>
    ${a.showBack ? html`<button @click=${a.onBack} aria-label=${t('thread.back')}>${icons.back}</button>` : nothing}
    <h2 id="thread-title">${title}</h2>
    ${a.joined && a.participants.length ? html`<span class="muted online">${t('thread.online', { count: online })}</span>` : nothing}
    <button @click=${a.onInfo} aria-label=${t('thread.info')} title=${t('thread.info')}>${icons.info}</button>
  </header>`;
}

/** The bar above the composer while replying to or editing a message. */
export function renderComposeContext(session: ChatSession, replyTo: Message | null, editing: Message | null, onCancel: () => void) {
  if (!replyTo && !editing) return nothing;
  const t = session.i18n.t;
  const label = editing ? t('composer.editing') : t('composer.replyingTo', { name: session.name(replyTo!.sender_id) });
  return html`<div class="compose-context">
    <span>${label}</span>
    <button @click=${onCancel}>${t('composer.cancel')}</button>
  </div>`;
}
