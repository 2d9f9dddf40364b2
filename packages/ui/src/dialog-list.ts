/**
 * @module dialog-list: <parley-dialog-list>, the tabs (mine / available / archived), search, and the dialogs of the
 * tab with pinned first, unread badges and presence; while searching (not on the available tab), the matching
 * messages below the dialogs (<parley-search-hits>). Emits `parley-select` with `{ dialogId, view }`, or
 * `{ dialogId, messageId }` from a message hit.
 */
import { html, css, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { DialogView } from '@parley/client';
import { SessionElement } from './element.js';
import { dialogTitle, formatTime, plainText, systemText } from './format.js';
import { icons } from './icons.js';
import { rowListStyles } from './list-styles.js';

export type DialogTab = 'mine' | 'available' | 'archived';
const TABS: DialogTab[] = ['mine', 'available', 'archived'];

export class ParleyDialogList extends SessionElement {
  static override properties = {
    ...SessionElement.properties,
    selected: { attribute: false },
    tab: { state: true },
    search: { state: true },
    searched: { state: true },
    dialogs: { state: true },
    loading: { state: true },
  };
  declare selected: string | undefined;
  declare tab: DialogTab;
  declare search: string;
  /** The search text the last reload used (debounced): what the message hits show. */
  declare searched: string;
  declare dialogs: DialogView[];
  declare loading: boolean;
  private offs: (() => void)[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  static override styles = [
    ...SessionElement.styles,
    rowListStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--_bg);
      }
      [role='tablist'] {
        display: flex;
        border-bottom: 1px solid var(--_border);
      }
      [role='tab'] {
        flex: 1;
        border-radius: 0;
        padding: 10px 4px;
        border-bottom: 2px solid transparent;
      }
      [role='tab'][aria-selected='true'] {
        border-bottom-color: var(--_accent);
        font-weight: 600;
      }
      .search {
        padding: 8px;
      }
      .search input {
        width: 100%;
      }
      .panel {
        overflow-y: auto;
        flex: 1;
      }
      li button[aria-current='true'] {
        background: var(--_surface);
        box-shadow: inset 3px 0 0 var(--_accent);
      }
      .title {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .preview {
        color: var(--_muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .meta {
        text-align: right;
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--_online);
        display: inline-block;
        flex: none;
      }
      .pin {
        font-size: 12px;
      }
      .empty {
        padding: 16px;
        color: var(--_muted);
      }
    `,
  ];

  constructor() {
    super();
    this.tab = 'mine';
    this.search = '';
    this.searched = '';
    this.dialogs = [];
    this.loading = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.subscribe();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.offs) off();
    this.offs = [];
    clearTimeout(this.refreshTimer);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if (changed.has('session')) {
      for (const off of this.offs) off();
      this.offs = [];
      this.subscribe();
      void this.reload();
    }
  }

  private subscribe(): void {
    const client = this.session?.client;
    if (!client || this.offs.length) return;
    const later = () => {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => void this.reload(), 150);
    };
    this.offs.push(
      client.on('message.*', later),
      client.on('dialog.*', later),
      client.on('participant.*', later),
      client.on('resync', later),
      client.state.subscribe(() => this.requestUpdate()),
    );
  }

  /** Reloads the current tab (also called by <parley-chat> after join, leave, archive...). */
  async reload(): Promise<void> {
    const client = this.session?.client;
    if (!client) return;
    const gen = ++this.generation;
    this.loading = true;
    try {
      const search = this.search.trim() || undefined;
      this.searched = search ?? '';
      const list =
        this.tab === 'available'
          ? await client.dialogs.list({ type: 'available', search, limit: 100 })
          : await client.dialogs.list({ type: 'participating', archived: this.tab === 'archived', search, limit: 100 });
      if (gen !== this.generation) return;
      for (const view of list) this.session?.learn(view);
      this.dialogs = list;
      this.emit('parley-dialogs-loaded', { count: list.length, tab: this.tab });
    } catch (err) {
      this.session?.fail(err);
    } finally {
      if (gen === this.generation) this.loading = false;
    }
  }

  private sorted(): DialogView[] {
    const state = this.session?.client.state.get();
    const pinned = (d: DialogView) => state?.chat.dialogs[d.id]?.is_pinned ?? d.is_pinned ?? false;
    const last = (d: DialogView) => d.last_message_at ?? d.last_message?.sent_at ?? d.created_at;
    return [...this.dialogs].sort((a, b) => Number(pinned(b)) - Number(pinned(a)) || last(b).localeCompare(last(a)));
  }

  private selectTab(tab: DialogTab): void {
    if (tab === this.tab) return;
    this.tab = tab;
    this.dialogs = [];
    void this.reload();
  }

  private onTabKey(e: KeyboardEvent): void {
    const i = TABS.indexOf(this.tab);
    let next = i;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i + TABS.length - 1) % TABS.length;
    else return;
    e.preventDefault();
    this.selectTab(TABS[next]!);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${TABS[next]}`)?.focus());
  }

  private onSearch(e: Event): void {
    this.search = (e.target as HTMLInputElement).value;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.reload(), 250);
  }

  private preview(view: DialogView): string {
    const last = view.last_message;
    if (!last || !this.session) return '';
    if (last.message_type === 'system') return systemText(last.content, this.session.i18n);
    const who = last.sender_id
      ? `${last.sender_id === this.session.userId ? this.t('msg.you') : (last.sender_name ?? this.session.name(last.sender_id))}: `
      : '';
    return who + plainText(last.content);
  }

  override render() {
    const state = this.session?.client.state.get();
    const me = this.session?.userId;
    return html`
      <div role="tablist" aria-label=${this.t('tabs.label')} @keydown=${this.onTabKey}>
        ${TABS.map(
          (tab) => html`<button
            role="tab"
            id="tab-${tab}"
            aria-selected=${String(this.tab === tab)}
            aria-controls="dialogs"
            tabindex=${this.tab === tab ? 0 : -1}
            @click=${() => this.selectTab(tab)}
          >
            ${this.t(`tabs.${tab}`)}
          </button>`,
        )}
      </div>
      <div class="search">
        <input type="search" aria-label=${this.t('list.search')} placeholder=${this.t('list.search')} .value=${this.search} @input=${this.onSearch} />
      </div>
      <div class="panel" id="dialogs" role="tabpanel" aria-labelledby="tab-${this.tab}" aria-busy=${String(this.loading)}>
      <ul>
        ${this.dialogs.length === 0 && !this.loading ? html`<li class="empty">${this.t('list.empty')}</li>` : nothing}
        ${repeat(
          this.sorted(),
          (view) => view.id,
          (view) => {
            const unread = this.tab === 'available' ? 0 : (state?.chat.dialogs[view.id]?.unread_count ?? view.unread_count ?? 0);
            const pinned = state?.chat.dialogs[view.id]?.is_pinned ?? view.is_pinned ?? false;
            const online = (view.participants ?? []).some((p) => p.user_id !== me && state?.presence[p.user_id]);
            const when = view.last_message?.sent_at ?? view.created_at;
            return html`<li>
            <button
              data-dialog-id=${view.id}
              aria-current=${String(view.id === this.selected)}
              @click=${() => this.emit('parley-select', { dialogId: view.id, view })}
            >
              <span class="title">
                ${online ? html`<span class="dot" role="img" aria-label=${this.t('info.online')}></span>` : nothing}
                ${pinned ? html`<span class="pin" role="img" aria-label=${this.t('list.pinned')}>${icons.pin}</span>` : nothing}
                <span>${dialogTitle(view)}</span>
              </span>
              <span class="meta">${this.session ? formatTime(when, this.session.i18n) : ''}</span>
              <span class="preview">${this.preview(view)}</span>
              <span class="meta">
                ${unread > 0 ? html`<span class="badge" aria-label=${this.t('list.unread', { count: unread })}>${unread}</span>` : nothing}
              </span>
            </button>
          </li>`;
          },
        )}
      </ul>
      ${this.tab !== 'available' && this.searched ? html`<parley-search-hits .session=${this.session} .query=${this.searched}></parley-search-hits>` : nothing}
      </div>
    `;
  }
}
