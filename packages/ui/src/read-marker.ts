/**
 * @module read-marker: the read state of an open thread: marks the newest loaded message read once it is on
 * screen (the read position only moves forward, and one's own last message needs no mark), and tells whether
 * someone else has read a message (✓✓).
 */
import type { ChatParticipant, Message } from '@parley/client';
import type { ChatSession } from './session.js';

/** What the marker asks of its thread when the timer fires. */
export interface ReadView {
  session: ChatSession | undefined;
  dialogId: string | undefined;
  messages: Message[];
  /** A later page is not loaded: the newest loaded message is not the dialog's newest. */
  hasMoreAfter: boolean;
  nearBottom(): boolean;
}

export class ReadMarker {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastSent: string | undefined;

  constructor(private readonly view: ReadView) {}

  /** Marks after a short pause, so scrolling and bursts of messages send one mark. */
  schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.mark(), 300);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }

  private mark(): void {
    const { session, dialogId, messages } = this.view;
    const client = session?.client;
    const last = messages[messages.length - 1];
    if (!client || !dialogId || !last || this.view.hasMoreAfter || !this.view.nearBottom()) return;
    if (document.visibilityState === 'hidden') return;
    const unread = client.state.get().chat.dialogs[dialogId]?.unread_count ?? 0;
    if (unread === 0 && this.lastSent === last.id) return;
    if (unread === 0 && last.sender_id === session.userId) return;
    this.lastSent = last.id;
    client.dialogs.read(dialogId, last.id).catch((err) => session.fail(err));
  }
}

/** Whether a participant other than `me` has read up to `message`. */
export function readByOthers(participants: ChatParticipant[], me: string | null | undefined, message: Message): boolean {
  return participants.some((p) => p.user_id !== me && p.last_read_message_id !== null && p.last_read_message_id >= message.id);
}
