/** @module state/chat-store: the client's StateStore with the few updates the API modules and the sync make. */
import {
  applyAgentEvent,
  type AgentItemPartialFrame,
  type DialogEvent,
  type DialogState,
  type DialogView,
  type Message,
} from '@parley/protocol';
import { StateStore } from './store.js';
import {
  initialState,
  withEvent,
  withMessageList,
  withMessages,
  withPending,
  withSnapshot,
  withoutPending,
  type ClientState,
  type ConnectionStatus,
  type PendingMessage,
} from './chat-state.js';

/** Remembers the last N ids it was given (for "seen" and "deleted" checks that must not grow without bound). */
export class RecentIds {
  private readonly set = new Set<string>();
  constructor(private readonly capacity: number) {}
  has(id: string): boolean {
    return this.set.has(id);
  }
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    this.set.add(id);
    if (this.set.size > this.capacity) {
      const oldest = this.set.values().next().value;
      if (oldest !== undefined) this.set.delete(oldest);
    }
    return true;
  }
}

export class ChatStore extends StateStore<ClientState> {
  /** Messages deleted while a page that still held them may have been in flight. */
  readonly deleted = new RecentIds(5_000);

  constructor(userId: string | null = null) {
    super(initialState(userId));
  }

  setUser(userId: string): void {
    const s = this.get();
    if (s.userId === userId && s.chat.user_id === userId) return;
    this.next({ ...s, userId, chat: { ...s.chat, user_id: userId } });
  }

  setConnection(connection: ConnectionStatus): void {
    this.partialNext({ connection });
  }

  applySnapshot(views: DialogView[]): void {
    this.next((s) => withSnapshot(s, views));
  }

  applyEvent(event: DialogEvent): void {
    if (event.type === 'message.deleted') this.deleted.add(event.id);
    this.next((s) => withEvent(s, event));
  }

  /** The snapshot of a pending agent item a fresh connection gets. */
  applyAgentPartial(frame: AgentItemPartialFrame): void {
    this.next((s) => ({ ...s, agentItems: applyAgentEvent(s.agentItems, frame) }));
  }

  /** A page of messages from the API joins the loaded messages of its dialog. */
  mergeMessages(dialogId: string, page: Message[]): void {
    this.next((s) => withMessages(s, dialogId, page, this.deleted));
  }

  replaceMessages(dialogId: string, list: Message[]): void {
    this.next((s) =>
      withMessageList(
        s,
        dialogId,
        list.filter((m) => !this.deleted.has(m.id)),
      ),
    );
  }

  /** The dialog's own flags changed through a call of this client (the event will say the same). */
  patchDialog(dialogId: string, patch: Partial<DialogState>): void {
    this.next((s) => {
      const d = s.chat.dialogs[dialogId];
      if (!d) return s;
      return { ...s, chat: { ...s.chat, dialogs: { ...s.chat.dialogs, [dialogId]: { ...d, ...patch } } } };
    });
  }

  setPresence(userId: string, online: boolean): void {
    this.next((s) => (s.presence[userId] === online ? s : { ...s, presence: { ...s.presence, [userId]: online } }));
  }

  setOnlineCount(dialogId: string, online: number, members: number): void {
    this.next((s) => ({ ...s, onlineCounts: { ...s.onlineCounts, [dialogId]: { online, members } } }));
  }

  putPending(message: PendingMessage): void {
    this.next((s) => withPending(s, message));
  }

  /** The server stored a pending message: the pending copy goes, the server's joins the loaded messages. */
  confirmPending(dialogId: string, clientMessageId: string, stored: Message): void {
    this.next((s) => {
      const pending = withoutPending(s.pending, dialogId, clientMessageId);
      const merged = s.chat.messages[dialogId] ? withMessages(s, dialogId, [stored], this.deleted) : s;
      return pending === merged.pending ? merged : { ...merged, pending };
    });
  }

  dropPending(dialogId: string, clientMessageId: string): void {
    this.next((s) => {
      const pending = withoutPending(s.pending, dialogId, clientMessageId);
      return pending === s.pending ? s : { ...s, pending };
    });
  }
}
