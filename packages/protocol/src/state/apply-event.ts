/**
 * @module state/apply-event: the pure reducer a client uses to keep its copy of the chat state current from
 * realtime events: applyEvent(state, event) returns the next state and never mutates its input. The server's
 * event-correctness test proves that fetch -> action -> applyEvent equals a fresh fetch (see docs/events.md).
 */
import type { DialogEvent } from '../events.js';
import { messageOfEvent } from '../message-event.js';
import type { Message } from '../models.js';

/** What one user knows about one of their dialogs. */
export interface DialogState {
  unread_count: number;
  is_archived: boolean;
  is_pinned: boolean;
  notifications_enabled: boolean;
  /** User ids of the participants. */
  participants: string[];
  last_message_id: string | null;
}

export interface ChatState {
  /** Whose state this is: events about this user change their own flags and membership. */
  user_id: string;
  /** The dialogs the user takes part in, by id. */
  dialogs: Record<string, DialogState>;
  /** Loaded messages per dialog, oldest first (ordered by id, as the API pages them). */
  messages: Record<string, Message[]>;
}

/**
 * Events about a dialog missing from `dialogs` leave the state unchanged: when the user is added to a dialog
 * (`participant.joined` with their own id), a client fetches that dialog (see `needsFetch`).
 */
export function applyEvent(state: ChatState, event: DialogEvent): ChatState {
  const dialog = state.dialogs[event.dialog_id];
  if (!dialog) return state;
  const id = event.dialog_id;
  const mine = !('user_id' in event) || event.user_id === undefined || event.user_id === state.user_id;
  switch (event.type) {
    case 'message.new': {
      const message = messageOfEvent(event, event.attachments);
      const list = state.messages[id];
      // Applying the same event twice (a replay overlapping a refetch) must change nothing.
      if (list?.some((m) => m.id === event.id) || dialog.last_message_id === event.id) return state;
      const messages = list ? insertOrdered(list, message) : list;
      let unread = dialog.unread_count;
      if (event.message_type === 'user') unread = event.sender_id === state.user_id ? 0 : unread + 1;
      return withDialog({ ...state, messages: messages ? { ...state.messages, [id]: messages } : state.messages }, id, {
        unread_count: unread,
        last_message_id: dialog.last_message_id === null || event.id > dialog.last_message_id ? event.id : dialog.last_message_id,
      });
    }
    case 'message.edited': {
      const list = state.messages[id];
      if (!list) return state;
      const next = list.map((m) => (m.id === event.id ? { ...m, content: event.content, last_edited_at: event.last_edited_at } : m));
      return { ...state, messages: { ...state.messages, [id]: next } };
    }
    case 'message.attachments_updated': {
      const list = state.messages[id];
      if (!list) return state;
      const changed = new Map(event.attachments.map((a) => [a.id, a]));
      const next = list.map((m) =>
        m.id === event.id && m.attachments ? { ...m, attachments: m.attachments.map((a) => changed.get(a.id) ?? a) } : m,
      );
      return { ...state, messages: { ...state.messages, [id]: next } };
    }
    case 'message.deleted': {
      const list = state.messages[id];
      const next = list?.filter((m) => m.id !== event.id);
      let last = dialog.last_message_id;
      if (last === event.id) last = next && next.length > 0 ? next[next.length - 1]!.id : null;
      const s = next ? { ...state, messages: { ...state.messages, [id]: next } } : state;
      // Unread counts the sequence, which a deletion does not rewind.
      return withDialog(s, id, { last_message_id: last });
    }
    case 'message.read': {
      if (event.user_id !== state.user_id) return state;
      const list = state.messages[id];
      let unread = dialog.unread_count;
      if (event.last_read_message_id === dialog.last_message_id) unread = 0;
      else if (list) unread = list.filter((m) => m.message_type === 'user' && m.id > event.last_read_message_id).length;
      return withDialog(state, id, { unread_count: unread });
    }
    case 'participant.joined':
      if (dialog.participants.includes(event.user_id)) return state;
      return withDialog(state, id, { participants: [...dialog.participants, event.user_id] });
    case 'participant.left':
      if (event.user_id === state.user_id) return withoutDialog(state, id);
      return withDialog(state, id, { participants: dialog.participants.filter((u) => u !== event.user_id) });
    case 'dialog.archived':
    case 'dialog.unarchived':
      return mine ? withDialog(state, id, { is_archived: event.type === 'dialog.archived' }) : state;
    case 'dialog.pinned':
    case 'dialog.unpinned':
      return mine ? withDialog(state, id, { is_pinned: event.type === 'dialog.pinned' }) : state;
    case 'dialog.notifications':
      return mine ? withDialog(state, id, { notifications_enabled: event.enabled }) : state;
    case 'dialog.deleted':
      return withoutDialog(state, id);
    case 'dialog.created':
    case 'dialog.scopes_changed':
      return state;
    default:
      // An agent's streaming events (agent.*) concern pending items only: see applyAgentEvent.
      return state;
  }
}

/** True when the event brings the user into a dialog the state does not hold: fetch it rather than reduce. */
export function needsFetch(state: ChatState, event: DialogEvent): boolean {
  return event.type === 'participant.joined' && event.user_id === state.user_id && !state.dialogs[event.dialog_id];
}

function withDialog(state: ChatState, id: string, patch: Partial<DialogState>): ChatState {
  const dialog = state.dialogs[id]!;
  return { ...state, dialogs: { ...state.dialogs, [id]: { ...dialog, ...patch } } };
}

function withoutDialog(state: ChatState, id: string): ChatState {
  const { [id]: _gone, ...dialogs } = state.dialogs;
  const { [id]: _messages, ...messages } = state.messages;
  return { ...state, dialogs, messages };
}

/** Message ids are UUIDv7 in lower-case hex, so string order is creation order. */
function insertOrdered(list: Message[], message: Message): Message[] {
  let i = list.length;
  while (i > 0 && list[i - 1]!.id > message.id) i -= 1;
  return [...list.slice(0, i), message, ...list.slice(i)];
}
