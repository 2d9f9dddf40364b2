/**
 * @module thread: <parley-thread>, one dialog: header, messages with infinite scroll both ways, date separators,
 * jump to the first unread and to a replied message, read state, replies, edit and delete, pending sends, the
 * composer, the join form for a dialog the user may join, and the gallery.
 */
import { html, nothing } from 'lit';
import type { AttachmentRef, ChatParticipant, DialogView, Message } from '@parley/client';
import { SessionElement } from './element.js';
import { threadStyles } from './thread-styles.js';
import { messageStyles, type MessageContext } from './message-view.js';
import { renderComposeContext, renderThreadHeader, renderTimeline } from './thread-view.js';
import { attachmentStyles, type Attachment } from './attachments.js';
import { galleryOf } from './gallery.js';
import type { ParleyComposer } from './composer.js';
import { AgentActivity } from './agent-activity.js';
import type { WidgetActionDetail } from './widgets/types.js';
import { agentStyles, renderAgentBar } from './agent-view.js';
import { byId, fromEvent, lacksAttachments, mergeById, Quotes, withEdit, withPageBeside } from './message-list.js';
import { ReadMarker, readByOthers } from './read-marker.js';
import { nearBottom, scrollToBottom, scrollToMessage } from './thread-scroll.js';

export class ParleyThread extends SessionElement {
  static override properties = {
    ...SessionElement.properties,
    dialogId: { attribute: false },
    view: { attribute: false },
    showBack: { type: Boolean, attribute: 'show-back' },
    pageSize: { type: Number, attribute: 'page-size' },
    messages: { state: true },
    participants: { state: true },
    hasMoreBefore: { state: true },
    hasMoreAfter: { state: true },
    firstUnread: { state: true },
    replyTo: { state: true },
    editing: { state: true },
    gallery: { state: true },
    loading: { state: true },
  };
  declare dialogId: string | undefined;
  declare view: DialogView | undefined;
  declare showBack: boolean;
  /** Messages per page (the server caps it at 100). */
  declare pageSize: number;
  declare messages: Message[];
  declare participants: ChatParticipant[];
  declare hasMoreBefore: boolean;
  declare hasMoreAfter: boolean;
  declare firstUnread: string | undefined;
  declare replyTo: Message | null;
  declare editing: Message | null;
  declare gallery: { files: Attachment[]; index: number } | null;
  declare loading: boolean;
  /** Set by <parley-chat> when the user picked this dialog: focus moves to the composer once it is shown. */
  focusOnOpen = false;
  private offs: (() => void)[] = [];
  /** The agents' replies in this dialog (streams, stop, widgets). */
  private agents: AgentActivity | undefined;
  /** Agent messages shown from their finished item before the stored message arrived. */
  private provisional = new Set<string>();
  private readonly quotes = new Quotes(() => this.requestUpdate());
  private loadingMore = false;
  private generation = 0;
  private readonly reads = new ReadMarker(this);

  static override styles = [...SessionElement.styles, messageStyles, attachmentStyles, threadStyles, agentStyles];

  constructor() {
    super();
    this.showBack = false;
    this.pageSize = 50;
    this.messages = [];
    this.participants = [];
    this.hasMoreBefore = false;
    this.hasMoreAfter = false;
    this.replyTo = null;
    this.editing = null;
    this.gallery = null;
    this.loading = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe();
    this.reads.cancel();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.session && this.dialogId && !this.offs.length) this.subscribe();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if (changed.has('dialogId') || changed.has('session')) {
      this.unsubscribe();
      if (this.session && this.dialogId) {
        this.subscribe();
        void this.open();
      }
    }
  }

  private get joined(): boolean {
    return this.view?.i_am_participant !== false;
  }

  private unsubscribe(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.agents?.close();
    this.agents = undefined;
  }

  private subscribe(): void {
    const client = this.session!.client;
    const mine = (e: { dialog_id: string }) => e.dialog_id === this.dialogId;
    this.agents = new AgentActivity(client, this.dialogId!, {
      changed: () => this.followUpdate(),
      fail: (err) => this.session?.fail(err),
      finished: (m) => {
        if (this.hasMoreAfter || this.messages.some((x) => x.id === m.id)) return;
        this.provisional.add(m.id);
        this.messages = [...this.messages, m].sort(byId);
      },
      clientTool: () => this.session?.onClientTool,
    });
    this.offs.push(
      client.on('message.new', (m) => {
        if (!mine(m) || this.hasMoreAfter) return;
        const atBottom = this.nearBottom();
        if (this.provisional.delete(m.id) || !this.messages.some((x) => x.id === m.id)) {
          this.messages = mergeById(this.messages, [fromEvent(m)]);
          // Read the stored message for its attachments only when the event does not carry them.
          if (lacksAttachments(m, this.session?.userId)) void this.refetch(m.dialog_id, m.id);
        }
        if (atBottom || m.sender_id === this.session?.userId) void this.updateComplete.then(() => this.scrollToBottom());
        this.reads.schedule();
      }),
      client.on('message.edited', (e) => {
        if (mine(e)) this.messages = withEdit(this.messages, e);
      }),
      client.on('message.attachments_updated', (e) => {
        // A thumbnail became ready after the send: the attachment as it is now.
        if (!mine(e)) return;
        const now = new Map(e.attachments.map((a) => [a.id, a]));
        this.messages = this.messages.map((m) =>
          m.id === e.id && m.attachments ? { ...m, attachments: m.attachments.map((a) => now.get(a.id) ?? a) } : m,
        );
      }),
      client.on('message.deleted', (e) => {
        if (mine(e)) this.messages = this.messages.filter((m) => m.id !== e.id);
      }),
      client.on('message.read', (e) => {
        if (!mine(e)) return;
        this.participants = this.participants.map((p) =>
          p.user_id === e.user_id ? { ...p, last_read_message_id: e.last_read_message_id } : p,
        );
      }),
      client.on('participant.*', (e) => {
        if (mine(e)) void this.loadParticipants();
      }),
      client.on('resync', () => void this.open()),
      client.state.subscribe(() => this.requestUpdate()),
    );
  }

  /** Loads the latest page (or the page around the first unread message) and the participants. */
  async open(around?: string): Promise<void> {
    const client = this.session?.client;
    const dialogId = this.dialogId;
    if (!client || !dialogId) return;
    const gen = ++this.generation;
    this.loading = true;
    this.replyTo = null;
    this.editing = null;
    try {
      if (!this.joined) {
        this.messages = [];
        return;
      }
      const page = await client.messages.list(dialogId, around ? { limit: this.pageSize, around } : { limit: this.pageSize });
      if (gen !== this.generation) return;
      this.messages = [...page.messages].sort(byId);
      this.hasMoreBefore = page.has_more_before;
      this.hasMoreAfter = page.has_more_after;
      this.agents?.load(this.messages, this.pageSize).catch((err) => this.session?.fail(err));
      if (!around)
        this.firstUnread = (client.state.get().chat.dialogs[dialogId]?.unread_count ?? 0) > 0 ? page.first_unread_message_id : undefined;
      void this.loadParticipants();
      await this.updateComplete;
      if (around) scrollToMessage(this.renderRoot, around);
      else if (this.firstUnread) scrollToMessage(this.renderRoot, this.firstUnread, false);
      else this.scrollToBottom();
      this.reads.schedule();
      this.emit('parley-thread-rendered', { dialogId, count: this.messages.length });
      // Opened from the dialog list: the keyboard goes on in the composer.
      if (this.focusOnOpen) {
        this.focusOnOpen = false;
        this.composer?.focus();
      }
    } catch (err) {
      this.session?.fail(err);
    } finally {
      if (gen === this.generation) this.loading = false;
    }
  }

  private async refetch(dialogId: string, id: string): Promise<void> {
    try {
      const full = await this.session!.client.messages.get(dialogId, id);
      if (dialogId === this.dialogId) this.messages = this.messages.map((m) => (m.id === id ? full : m));
    } catch {
      /* deleted meanwhile */
    }
  }

  private async loadParticipants(): Promise<void> {
    const client = this.session?.client;
    const dialogId = this.dialogId;
    if (!client || !dialogId || !this.joined) return;
    try {
      const list = await client.participants.list(dialogId);
      if (dialogId !== this.dialogId) return;
      this.session?.learn(undefined, list);
      this.participants = list;
      const agents = list.filter((p) => p.user_id.startsWith('agent:'));
      if (this.agents) this.agents.soleAgent = agents.length === 1 ? agents[0]!.user_id : undefined;
    } catch (err) {
      this.session?.fail(err);
    }
  }

  private get scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('.scroller');
  }

  nearBottom(): boolean {
    return nearBottom(this.scroller);
  }

  /** Re-renders, keeping the view at the bottom when it was there (a reply growing stays in sight). */
  private followUpdate(): void {
    const atBottom = this.nearBottom();
    this.requestUpdate();
    if (atBottom) void this.updateComplete.then(() => this.scrollToBottom());
  }

  private scrollToBottom(): void {
    scrollToBottom(this.scroller);
  }

  /** Jumps to a message: scrolls to it when loaded, else loads the page around it. */
  async jumpTo(id: string): Promise<void> {
    if (this.messages.some((m) => m.id === id)) scrollToMessage(this.renderRoot, id);
    else await this.open(id);
  }

  /** Infinite scroll both ways: near the top the older page, near the bottom (after a jump) the newer one. */
  private async onScroll(): Promise<void> {
    const s = this.scroller;
    const client = this.session?.client;
    if (!s || !client || !this.dialogId || this.loadingMore || !this.messages.length) return;
    const side = s.scrollTop < 60 && this.hasMoreBefore ? 'before' : this.nearBottom() && this.hasMoreAfter ? 'after' : undefined;
    if (side) {
      this.loadingMore = true;
      const height = s.scrollHeight;
      try {
        const page = await withPageBeside(client, this.dialogId, this.messages, this.pageSize, side);
        this.messages = page.messages;
        if (side === 'after') this.hasMoreAfter = page.more;
        else {
          this.hasMoreBefore = page.more;
          // The older page grows the list above the view: keep what was on screen in place.
          await this.updateComplete;
          s.scrollTop += s.scrollHeight - height;
        }
      } catch (err) {
        this.session?.fail(err);
      } finally {
        this.loadingMore = false;
      }
    }
    if (this.nearBottom()) this.reads.schedule();
  }

  private get composer(): ParleyComposer | null {
    return this.renderRoot.querySelector('parley-composer');
  }

  private async onCompose(e: CustomEvent<{ content: string; attachments: AttachmentRef[] }>): Promise<void> {
    const client = this.session?.client;
    const dialogId = this.dialogId;
    if (!client || !dialogId) return;
    const { content, attachments } = e.detail;
    const editing = this.editing;
    const replyTo = this.replyTo;
    this.editing = null;
    this.replyTo = null;
    try {
      if (editing) await client.messages.edit(dialogId, editing.id, content);
      else {
        const sending = client.messages.send(dialogId, { content, attachments, reply_to: replyTo?.id ?? null });
        void this.updateComplete.then(() => this.scrollToBottom());
        const stored = await sending;
        this.agents?.tools.sentMessage(stored.id);
        this.emit('parley-message-sent', stored);
        // The stored copy carries the attachments (the realtime event that may have come first does not).
        if (!this.hasMoreAfter) this.messages = mergeById(this.messages, [stored]);
        await this.updateComplete;
        this.scrollToBottom();
      }
    } catch (err) {
      this.session?.fail(err);
    }
  }

  private async onDelete(message: Message): Promise<void> {
    if (!window.confirm(this.t('msg.deleteConfirm'))) return;
    try {
      await this.session!.client.messages.delete(message.dialog_id, message.id);
      this.messages = this.messages.filter((m) => m.id !== message.id);
    } catch (err) {
      this.session?.fail(err);
    }
  }

  private context(): MessageContext {
    return {
      session: this.session!,
      quoted: (id) => this.quotes.find(this.session!.client, this.dialogId!, this.messages, id),
      readByOthers: (m) => readByOthers(this.participants, this.session?.userId, m),
      onReply: (m) => {
        this.editing = null;
        this.replyTo = m;
        this.composer?.focus();
      },
      onEdit: (m) => {
        this.replyTo = null;
        this.editing = m;
        this.composer?.setContent(m.content);
      },
      onDelete: (m) => void this.onDelete(m),
      onJump: (id) => void this.jumpTo(id),
      agentItem: (id) => this.agents?.items.get(id),
      onOpenFile: (_message, file) => {
        this.gallery = galleryOf(
          this.messages.flatMap((m) => m.attachments ?? []),
          file,
        );
      },
    };
  }

  private renderHeader() {
    const { session, view, participants, joined, showBack } = this;
    const onBack = () => this.emit('parley-back');
    return renderThreadHeader({ session: session!, view, participants, joined, showBack, onBack, onInfo: () => this.emit('parley-info') });
  }

  override render() {
    if (!this.session || !this.dialogId) return html`<div class="empty">${this.t('thread.pick')}</div>`;
    if (!this.joined && this.view) {
      return html`${this.renderHeader()}
        <parley-join-form .session=${this.session} .view=${this.view}></parley-join-form>`;
    }
    const unread = this.session.client.state.get().chat.dialogs[this.dialogId]?.unread_count ?? 0;
    return html`
      ${this.renderHeader()}
      <div class="scroller" role="log" aria-labelledby="thread-title" aria-busy=${String(this.loading)} tabindex="0" @scroll=${this.onScroll} @parley-widget-action=${(e: CustomEvent<WidgetActionDetail>) => this.agents?.onWidgetAction(e)}>
        <div role="list" aria-label=${this.t('thread.label')}>
          ${this.messages.length === 0 && !this.loading ? html`<div class="empty" role="listitem">${this.t('thread.empty')}</div>` : nothing}
          ${renderTimeline(this.messages, this.hasMoreAfter ? [] : (this.session.client.state.get().pending[this.dialogId] ?? []), this.firstUnread, this.context(), this.agents)}
        </div>
        ${this.hasMoreAfter ? html`<button class="jump" @click=${() => this.open()}>${this.t('thread.jumpLatest')}</button>` : nothing}
        ${
          unread > 0 && this.firstUnread
            ? html`<button class="jump" @click=${() => this.jumpTo(this.firstUnread!)}>${this.t('thread.jumpUnread')}</button>`
            : nothing
        }
      </div>
      ${renderComposeContext(this.session, this.replyTo, this.editing, () => {
        if (this.editing) this.composer?.setContent('');
        this.replyTo = null;
        this.editing = null;
      })}
      ${
        this.session.client.state.get().connection !== 'connected' && this.session.client.queuedSends > 0
          ? html`<div class="compose-context" role="status">${this.t('composer.offline')}</div>`
          : nothing
      }
      ${renderAgentBar(this.agents, this.session)}
      <parley-composer .session=${this.session} .dialogId=${this.dialogId} .participants=${this.participants} @parley-compose=${this.onCompose}></parley-composer>
      ${
        this.gallery
          ? html`<parley-gallery
            .session=${this.session}
            .files=${this.gallery.files}
            .index=${this.gallery.index}
            @parley-gallery-close=${() => (this.gallery = null)}
          ></parley-gallery>`
          : nothing
      }
    `;
  }
}
