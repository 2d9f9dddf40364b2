/**
 * @module state/sync: keeps the state store in step with the server. Realtime events are applied (protocol
 * reducer) and then emitted; while a snapshot of the dialog list loads, events wait in a buffer and are applied
 * after it, so the snapshot never overwrites newer news. After a resync or a reconnect that could not resume,
 * the dialogs are reloaded and the loaded message lists are filled from the server: the missed messages are
 * emitted as `message.new` too, and nothing is emitted twice.
 */
import {
  isAgentItemPartialFrame,
  isDialogEventFrame,
  isPresenceDigestFrame,
  messageNewEvent,
  needsFetch,
  type DialogEvent,
  type Message,
} from '@parley/protocol';
import type { DialogsApi } from '../api/dialogs.js';
import type { MessagesApi } from '../api/messages.js';
import type { Emitter } from '../emitter.js';
import type { ClientEvents, ResyncEvent } from '../events.js';
import { ParleyError } from '../errors.js';
import { readIsUncertain } from './chat-state.js';
import { RecentIds, type ChatStore } from './chat-store.js';

type MessageNew = ClientEvents['message.new'];

/** Sorts before every UUIDv7: `after=NIL_UUID` pages a dialog from its first message. */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export class Sync {
  private buffer: DialogEvent[] | null = null;
  private running: Promise<void> | null = null;
  private wantRefresh = false;
  private wantRecover: ResyncEvent['reason'] | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Message ids already emitted as `message.new`. */
  private readonly seen = new RecentIds(50_000);
  /**
   * Per dialog, the newest message the app was told of: emitted as `message.new`, or the dialog's last message
   * when the client first saw the dialog (its history). A reload of the dialog list does not move it, so the
   * messages a gap hid are still found after a reload showed newer ones.
   */
  private readonly told = new Map<string, string | null>();
  private closed = false;
  private owedRecover: ResyncEvent['reason'] | null = null;
  private owedRefresh = false;

  constructor(
    private readonly store: ChatStore,
    private readonly dialogs: DialogsApi,
    private readonly messages: MessagesApi,
    private readonly emitter: Emitter<ClientEvents>,
  ) {}

  /** A frame from the connection that is not a control frame. */
  handleFrame(frame: { type: string; [key: string]: unknown }): void {
    if (frame.type === 'presence.update') {
      if (typeof frame.user_id !== 'string' || typeof frame.is_online !== 'boolean') return;
      this.store.setPresence(frame.user_id, frame.is_online);
      this.emitter.emit('presence.update', { user_id: frame.user_id, is_online: frame.is_online });
      return;
    }
    if (frame.type === 'presence.digest') {
      if (!isPresenceDigestFrame(frame)) return;
      const { dialog_id, online_count, member_count } = frame;
      this.store.setOnlineCount(dialog_id, online_count, member_count);
      this.emitter.emit('presence.digest', { dialog_id, online_count, member_count });
      return;
    }
    if (frame.type === 'agent.item.partial') {
      // A reply that was streaming when this connection opened: its item so far (docs/agents.md).
      if (!isAgentItemPartialFrame(frame)) return;
      this.store.applyAgentPartial(frame);
      this.emitter.emit('agent.item.partial', frame);
      return;
    }
    // The server sends each event in its schema's shape; the client only routes it (no schema library in browsers).
    if (!isDialogEventFrame(frame)) return;
    if (this.buffer) this.buffer.push(frame);
    else this.apply(frame);
  }

  /** Reloads the dialog list (one run at a time; a request made during a run gets one more run). */
  refresh(): Promise<void> {
    this.wantRefresh = true;
    return this.run();
  }

  /** After `resync_required`, or a reconnect without a cursor: reload dialogs, fill loaded message lists, emit `resync`. */
  recover(reason: ResyncEvent['reason']): Promise<void> {
    this.wantRecover = this.wantRecover === 'resync_required' ? this.wantRecover : reason;
    return this.run();
  }

  /** Runs a reload or recovery that failed earlier (called on every connect). */
  retryOwed(): void {
    if (this.owedRecover !== null) void this.recover(this.owedRecover).catch(() => {});
    else if (this.owedRefresh) void this.refresh().catch(() => {});
  }

  close(): void {
    this.closed = true;
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
  }

  private apply(event: DialogEvent): void {
    const before = this.store.get();
    if (needsFetch(before.chat, event) || readIsUncertain(before, event)) this.scheduleRefresh();
    this.store.applyEvent(event);
    if (event.type === 'message.new') {
      this.tell(event.dialog_id, event.id);
      if (!this.seen.add(event.id)) return;
    }
    this.emit(event);
  }

  private tell(dialogId: string, messageId: string): void {
    const before = this.told.get(dialogId);
    if (before === undefined || before === null || messageId > before) this.told.set(dialogId, messageId);
  }

  /** Emits under the event's own name, its family (`message.*`, `participant.*`, `dialog.*`) and `event`. */
  private emit(event: DialogEvent): void {
    this.emitter.emit(event.type, event as never);
    this.emitter.emit(`${event.type.slice(0, event.type.indexOf('.'))}.*` as 'message.*', event as never);
    this.emitter.emit('event', event);
  }

  private async reloadDialogs(): Promise<void> {
    this.store.applySnapshot(await this.dialogs.listAll());
    for (const [id, d] of Object.entries(this.store.get().chat.dialogs)) if (!this.told.has(id)) this.told.set(id, d.last_message_id);
  }

  /** The newest message id the app knows per dialog: told of (see `told`), or in a loaded message list. */
  private knownLast(): Map<string, string | null> {
    const { chat } = this.store.get();
    const out = new Map<string, string | null>();
    for (const [id, d] of Object.entries(chat.dialogs)) {
      const loaded = chat.messages[id];
      const tail = loaded?.[loaded.length - 1]?.id ?? null;
      const told = this.told.has(id) ? this.told.get(id)! : d.last_message_id;
      out.set(id, told !== null && (tail === null || told > tail) ? told : tail);
    }
    return out;
  }

  /**
   * After a fresh dialog list: every dialog whose last message moved since `before` gets the messages after the
   * old one fetched and emitted (the ones the gap hid); loaded lists are replaced by the latest page.
   */
  private async fillGaps(before: Map<string, string | null>): Promise<number> {
    let recovered = 0;
    const { chat } = this.store.get();
    for (const [dialogId, dialog] of Object.entries(chat.dialogs)) {
      if (!before.has(dialogId)) continue;
      const old = before.get(dialogId) ?? null;
      if (dialog.last_message_id === null || dialog.last_message_id === old) continue;
      for (const m of await this.messages.listAfter(dialogId, old ?? NIL_UUID)) if (this.emitRecovered(m)) recovered += 1;
    }
    for (const [dialogId, list] of Object.entries(this.store.get().chat.messages)) {
      // The latest page becomes the loaded tail: edits and deletions made during the gap are in it.
      const page = await this.messages.list(dialogId, { limit: Math.max(50, Math.min(list.length, 200)) });
      this.store.replaceMessages(dialogId, page.messages);
    }
    return recovered;
  }

  private emitRecovered(m: Message): boolean {
    const event: MessageNew = messageNewEvent(m);
    this.store.applyEvent(event);
    this.tell(m.dialog_id, m.id);
    if (!this.seen.add(m.id)) return false;
    this.emit(event);
    return true;
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer !== undefined || this.closed) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh().catch(() => {});
    }, 50);
  }

  /**
   * Does the requested work with events buffered; the buffered events are applied after it, whether it worked or
   * not (a failed reload leaves the previous state, which the events still improve).
   */
  private run(): Promise<void> {
    if (this.running) return this.running;
    this.buffer ??= [];
    const run = (async () => {
      try {
        while (!this.closed && (this.wantRecover !== null || this.wantRefresh)) {
          const reason = this.wantRecover;
          this.wantRecover = null;
          this.wantRefresh = false;
          const before = this.knownLast();
          try {
            await this.reloadDialogs();
            if (reason !== null) {
              const recovered = await this.fillGaps(before);
              if (!this.closed) this.emitter.emit('resync', { reason, recovered });
            }
          } catch (err) {
            // Owed until it works: the next connect runs it again (see `owed`).
            if (reason !== null) this.owedRecover = this.owedRecover ?? reason;
            else this.owedRefresh = true;
            throw err;
          }
          if (reason !== null) this.owedRecover = null;
          this.owedRefresh = false;
        }
      } catch (err) {
        const e = err instanceof ParleyError ? err : new ParleyError('NETWORK_ERROR', String(err));
        if (!this.closed) this.emitter.emit('error', e.toJSON());
        throw e;
      } finally {
        const held = this.buffer ?? [];
        this.buffer = null;
        this.running = null;
        for (const event of held) this.apply(event);
      }
    })();
    this.running = run;
    return run;
  }
}
