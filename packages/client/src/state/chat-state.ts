/**
 * @module state/chat-state: the client's state (dialogs, messages per dialog, unread counts, pending sends,
 * presence) and the pure functions that change it. Realtime events go through the protocol reducer
 * (`applyEvent` from @parley/protocol), guarded so that an event already reflected in a snapshot is not counted twice.
 */
import {
  applyAgentEvent,
  applyEvent,
  type AgentItems,
  type ChatState,
  type PendingAgentItem,
  type DialogEvent,
  type DialogState,
  type DialogView,
  type Message,
} from '@parley/protocol';
import type { AttachmentRef } from '../api/types.js';

/** A message the user sent that the server has not confirmed yet (optimistic; reconciled by client_message_id). */
export interface PendingMessage {
  client_message_id: string;
  dialog_id: string;
  content: string;
  reply_to_id: string | null;
  attachments: AttachmentRef[];
  /** When the user sent it (client clock, RFC 3339). */
  created_at: string;
  /** `sending` while a request is out; `queued` while offline or waiting to retry. */
  status: 'queued' | 'sending';
  pending: true;
}

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface ClientState {
  /** The user the token belongs to (known once connected, or from the token's `sub`). */
  userId: string | null;
  /** Dialogs (unread, flags, participants, last message id) and loaded messages, kept by the protocol reducer. */
  chat: ChatState;
  /** The dialog views (title, object, last message...) from the last dialog-list fetch. */
  views: Record<string, DialogView>;
  /** Optimistic sends per dialog, oldest first. */
  pending: Record<string, PendingMessage[]>;
  /** Who is online, from presence events. */
  presence: Record<string, boolean>;
  /** Members online per large dialog, from presence digests (such a dialog sends no per-member presence). */
  onlineCounts: Record<string, { online: number; members: number }>;
  /** Agent replies streaming right now, per dialog and item (docs/agents.md); finished ones become messages. */
  agentItems: AgentItems;
  connection: ConnectionStatus;
  /** True once the dialog list was loaded (after the first connect, or an explicit sync). */
  synced: boolean;
}

export function initialState(userId: string | null): ClientState {
  return {
    userId,
    chat: { user_id: userId ?? '', dialogs: {}, messages: {} },
    views: {},
    pending: {},
    presence: {},
    onlineCounts: {},
    agentItems: {},
    connection: 'idle',
    synced: false,
  };
}

export function dialogStateOf(view: DialogView): DialogState {
  return {
    unread_count: view.unread_count ?? 0,
    is_archived: view.is_archived ?? false,
    is_pinned: view.is_pinned ?? false,
    notifications_enabled: view.notifications_enabled ?? true,
    participants: (view.participants ?? []).map((p) => p.user_id),
    last_message_id: view.last_message?.id ?? null,
  };
}

/** Replaces the dialogs with a fresh list of the user's dialogs; loaded messages of dialogs still there are kept. */
export function withSnapshot(state: ClientState, views: DialogView[]): ClientState {
  const dialogs: Record<string, DialogState> = {};
  const byId: Record<string, DialogView> = {};
  const messages: Record<string, Message[]> = {};
  for (const view of views) {
    dialogs[view.id] = dialogStateOf(view);
    byId[view.id] = view;
    const loaded = state.chat.messages[view.id];
    if (loaded) messages[view.id] = loaded;
  }
  return { ...state, synced: true, views: byId, chat: { ...state.chat, dialogs, messages } };
}

/**
 * Applies one realtime event. A `message.new` whose id is not newer than the dialog's last message is already
 * counted (message ids are UUIDv7, ordered within a dialog): it may fill a gap in the loaded messages, but it
 * must not move the unread count or the last message again.
 */
export function withEvent(state: ClientState, event: DialogEvent): ClientState {
  if (event.type.startsWith('agent.')) return { ...state, agentItems: applyAgentEvent(state.agentItems, event) };
  const before = state.chat.dialogs[event.dialog_id];
  let chat = applyEvent(state.chat, event);
  if (event.type === 'message.new' && before && before.last_message_id !== null && event.id <= before.last_message_id) {
    const after = chat.dialogs[event.dialog_id];
    if (after) {
      chat = {
        ...chat,
        dialogs: {
          ...chat.dialogs,
          [event.dialog_id]: { ...after, unread_count: before.unread_count, last_message_id: before.last_message_id },
        },
      };
    }
  }
  let views = state.views;
  if (!chat.dialogs[event.dialog_id] && views[event.dialog_id]) {
    const { [event.dialog_id]: _gone, ...rest } = views;
    views = rest;
  }
  let pending = state.pending;
  if (event.type === 'message.new' && event.client_message_id !== undefined && event.sender_id === state.userId) {
    pending = withoutPending(pending, event.dialog_id, event.client_message_id);
  }
  if (chat === state.chat && views === state.views && pending === state.pending) return state;
  return { ...state, chat, views, pending };
}

/** True when a `message.read` of the user's own could not be turned into an exact unread count from loaded messages. */
export function readIsUncertain(state: ClientState, event: DialogEvent): boolean {
  if (event.type !== 'message.read' || event.user_id !== state.userId) return false;
  const dialog = state.chat.dialogs[event.dialog_id];
  if (!dialog || event.last_read_message_id === dialog.last_message_id) return false;
  const list = state.chat.messages[event.dialog_id];
  return !list || list.length === 0 || list[0]!.id > event.last_read_message_id;
}

/** Merges a page of messages into a dialog's loaded list (ordered by id; a copy already held wins unless the page's was edited later). */
export function withMessages(state: ClientState, dialogId: string, page: Message[], deleted: { has(id: string): boolean }): ClientState {
  const current = state.chat.messages[dialogId] ?? [];
  const byId = new Map(current.map((m) => [m.id, m]));
  let changed = !state.chat.messages[dialogId];
  for (const m of page) {
    if (deleted.has(m.id)) continue;
    const held = byId.get(m.id);
    if (held && (held.last_edited_at ?? '') >= (m.last_edited_at ?? '')) continue;
    byId.set(m.id, m);
    changed = true;
  }
  if (!changed) return state;
  const list = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ...state, chat: { ...state.chat, messages: { ...state.chat.messages, [dialogId]: list } } };
}

/** Replaces a dialog's loaded list (after a resync: the latest page is the new contiguous tail). */
export function withMessageList(state: ClientState, dialogId: string, list: Message[]): ClientState {
  return { ...state, chat: { ...state.chat, messages: { ...state.chat.messages, [dialogId]: [...list] } } };
}

export function withPending(state: ClientState, message: PendingMessage): ClientState {
  const list = state.pending[message.dialog_id] ?? [];
  const at = list.findIndex((p) => p.client_message_id === message.client_message_id);
  const next = at >= 0 ? list.map((p, i) => (i === at ? message : p)) : [...list, message];
  return { ...state, pending: { ...state.pending, [message.dialog_id]: next } };
}

export function withoutPending(pending: ClientState['pending'], dialogId: string, clientMessageId: string): ClientState['pending'] {
  const list = pending[dialogId];
  if (!list?.some((p) => p.client_message_id === clientMessageId)) return pending;
  const next = list.filter((p) => p.client_message_id !== clientMessageId);
  if (next.length > 0) return { ...pending, [dialogId]: next };
  const { [dialogId]: _gone, ...rest } = pending;
  return rest;
}

/** A dialog's messages as a UI shows them: the loaded server messages, then the pending ones. */
export function selectMessages(state: ClientState, dialogId: string): Array<Message | PendingMessage> {
  return [...(state.chat.messages[dialogId] ?? []), ...(state.pending[dialogId] ?? [])];
}

/** Unread count per dialog id. */
export function selectUnread(state: ClientState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, d] of Object.entries(state.chat.dialogs)) out[id] = d.unread_count;
  return out;
}

export function selectTotalUnread(state: ClientState): number {
  let total = 0;
  for (const d of Object.values(state.chat.dialogs)) total += d.unread_count;
  return total;
}

/** The agent replies streaming in a dialog right now, oldest first (each with its item so far). */
export function selectAgentItems(state: ClientState, dialogId: string): PendingAgentItem[] {
  return Object.values(state.agentItems[dialogId] ?? {}).sort((a, b) => (a.item.created_at < b.item.created_at ? -1 : 1));
}
