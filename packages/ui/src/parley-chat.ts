/**
 * @module parley-chat: <parley-chat>, the embeddable chat. Full mode: dialog list, conversation and info panel
 * (one pane at a time when narrow, down to 360 px). Inline mode (`mode="inline" object-type object-id`): the one
 * dialog of a host object. It creates its @parley/client from `base-url` and `token-url` (or takes `.client`).
 */
import { LitElement, html, css, nothing } from 'lit';
import { createClient, type DialogView, type ParleyClient, type ScopeConfig } from '@parley/client';
import { createI18n, resolveLocale, type Strings } from './i18n.js';
import { ChatSession, type JoinDefaults } from './session.js';
import { baseStyles, themeStyles } from './theme.js';
import type { ParleyDialogList } from './dialog-list.js';
import type { ParleyThread } from './thread.js';
import type { ClientToolHandler } from './client-tools.js';

const NARROW = 720;

export class ParleyChat extends LitElement {
  static override properties = {
    mode: { reflect: true },
    baseUrl: { attribute: 'base-url' },
    tokenUrl: { attribute: 'token-url' },
    objectType: { attribute: 'object-type' },
    objectId: { attribute: 'object-id' },
    dialogId: { attribute: 'dialog-id' },
    pageSize: { type: Number, attribute: 'page-size' },
    locale: {},
    theme: { reflect: true },
    client: { attribute: false },
    getToken: { attribute: false },
    scope: { attribute: false },
    strings: { attribute: false },
    profile: { attribute: false },
    onClientTool: { attribute: false },
    selected: { state: true },
    view: { state: true },
    infoOpen: { state: true },
    narrow: { state: true },
    errorText: { state: true },
    ready: { state: true },
    missing: { state: true },
  };
  declare mode: 'full' | 'inline';
  declare baseUrl: string | undefined;
  declare tokenUrl: string | undefined;
  declare objectType: string | undefined;
  declare objectId: string | undefined;
  declare dialogId: string | undefined;
  /** Messages loaded per page (default 50, at most 100). */
  declare pageSize: number;
  declare locale: string | undefined;
  declare theme: 'light' | 'dark';
  /** Your own client (then base-url and token-url are not needed); it is not closed when the element goes. */
  declare client: ParleyClient | undefined;
  /** Returns a fresh Parley token (hosted mode); the default GETs `token-url` with the page's cookies. */
  declare getToken: (() => Promise<string>) | undefined;
  declare scope: ScopeConfig | undefined;
  /** Overrides of any UI string (see docs/ui.md). */
  declare strings: Partial<Strings> | undefined;
  /** The user's profile (pre-fills the join form): `{ displayName, company, email, phone }`. */
  declare profile: JoinDefaults | undefined;
  /** Answers an agent's client tool call made in reply to this element's user (see docs/ui.md); returns the result. */
  declare onClientTool: ClientToolHandler | undefined;
  declare selected: string | undefined;
  declare view: DialogView | undefined;
  declare infoOpen: boolean;
  declare narrow: boolean;
  declare errorText: string | undefined;
  declare ready: boolean;
  declare missing: boolean;

  session: ChatSession | undefined;
  private ownClient: ParleyClient | undefined;
  private resize = new ResizeObserver((entries) => {
    const width = entries[0]?.contentRect.width ?? NARROW;
    if (this.narrow !== width < NARROW) this.narrow = width < NARROW;
  });
  private offs: (() => void)[] = [];
  private errorTimer: ReturnType<typeof setTimeout> | undefined;

  static override styles = [
    themeStyles,
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: 320px;
        min-width: 0;
        background: var(--_bg);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        overflow: hidden;
        position: relative;
      }
      .layout {
        flex: 1;
        display: grid;
        grid-template-columns: minmax(240px, 320px) minmax(0, 1fr);
        min-height: 0;
      }
      .layout.info {
        grid-template-columns: minmax(240px, 320px) minmax(0, 1fr) minmax(220px, 280px);
      }
      .layout.narrow,
      .layout.inline {
        grid-template-columns: minmax(0, 1fr);
      }
      parley-dialog-list {
        border-right: 1px solid var(--_border);
      }
      .status,
      .error {
        padding: 4px 12px;
        font-size: 12px;
        background: var(--_surface);
        color: var(--_muted);
      }
      .error {
        color: var(--_danger);
      }
      .empty {
        padding: 24px;
        color: var(--_muted);
        text-align: center;
      }
    `,
  ];

  constructor() {
    super();
    this.mode = 'full';
    this.pageSize = 50;
    this.theme = 'light';
    this.infoOpen = false;
    this.narrow = false;
    this.ready = false;
    this.missing = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize.observe(this);
    // After the first update, so properties a framework sets right after creating the element are in place.
    void this.updateComplete.then(() => this.start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    for (const off of this.offs) off();
    this.offs = [];
    this.ownClient?.close();
    this.ownClient = undefined;
    this.session = undefined;
    this.ready = false;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if ((changed.has('locale') || changed.has('strings')) && this.session) {
      this.session.setI18n(createI18n(resolveLocale(this.locale ?? navigator.language), this.strings));
    }
    if (changed.has('profile') && this.session) this.session.profile = this.profile ?? {};
    if (changed.has('onClientTool') && this.session) this.session.onClientTool = this.onClientTool;
    if (changed.has('theme') && this.session) this.session.setTheme(this.theme);
    if (changed.has('dialogId') && this.dialogId && this.dialogId !== this.selected && this.ready) void this.select(this.dialogId);
  }

  private async start(): Promise<void> {
    if (this.session) return;
    let client = this.client;
    if (!client) {
      if (!this.baseUrl) return;
      // Read when a token is needed, so a getToken set later still counts.
      const getToken = () =>
        this.getToken ? this.getToken() : fetch(this.tokenUrl ?? '/parley-token', { credentials: 'include' }).then((r) => r.text());
      client = this.ownClient = createClient({
        baseUrl: this.baseUrl,
        auth: { getClientSecret: getToken },
        scope: this.scope,
        locale: this.locale,
      });
    }
    const session = new ChatSession(client, createI18n(resolveLocale(this.locale ?? navigator.language), this.strings));
    this.session = session;
    session.profile = this.profile ?? {};
    session.theme = this.theme;
    session.onClientTool = this.onClientTool;
    session.addEventListener('error', (e) => {
      const detail = (e as CustomEvent<{ message: string; code?: string }>).detail;
      this.errorText = session.i18n.t('error.generic', { message: detail.message });
      clearTimeout(this.errorTimer);
      this.errorTimer = setTimeout(() => (this.errorText = undefined), 6000);
      this.dispatchEvent(new CustomEvent('parley-error', { detail, bubbles: true, composed: true }));
    });
    session.addEventListener('change', () => this.requestUpdate());
    this.offs.push(
      client.on('connection.state', () => this.requestUpdate()),
      client.state.select(
        (s) => Object.values(s.chat.dialogs).reduce((n, d) => n + d.unread_count, 0),
        (total) => this.dispatchEvent(new CustomEvent('parley-unread', { detail: { total }, bubbles: true, composed: true })),
      ),
    );
    await client.connect();
    if (this.session !== session) return;
    this.ready = true;
    if (this.mode === 'inline') await this.openObject();
    else if (this.dialogId) await this.select(this.dialogId);
    this.dispatchEvent(new CustomEvent('parley-ready', { bubbles: true, composed: true }));
  }

  private async openObject(): Promise<void> {
    const client = this.session?.client;
    if (!client || !this.objectType || !this.objectId) return;
    try {
      const view = await client.dialogs.byObject(this.objectType, this.objectId);
      this.missing = !view;
      if (view) {
        this.session!.learn(view);
        this.view = view;
        this.selected = view.id;
      }
    } catch (err) {
      this.session?.fail(err);
    }
  }

  /** Opens a dialog by id. */
  async select(dialogId: string, view?: DialogView): Promise<void> {
    const client = this.session?.client;
    if (!client) return;
    try {
      const full = view ?? (await client.dialogs.get(dialogId));
      this.session!.learn(full);
      this.view = full;
      this.selected = dialogId;
      this.dispatchEvent(new CustomEvent('parley-dialog-open', { detail: { dialogId }, bubbles: true, composed: true }));
    } catch (err) {
      this.session?.fail(err);
    }
  }

  /** The user picked a dialog in the list (or a message hit: open the dialog at it): open it and move focus to its composer. */
  private async pick(dialogId: string, view?: DialogView, messageId?: string): Promise<void> {
    await this.select(dialogId, view);
    await this.updateComplete;
    const thread = this.renderRoot.querySelector<ParleyThread>('parley-thread');
    if (thread) thread.focusOnOpen = true;
    if (thread && messageId) await thread.open(messageId);
  }

  private get list(): ParleyDialogList | null {
    return this.renderRoot.querySelector('parley-dialog-list');
  }

  private async refreshView(): Promise<void> {
    if (!this.selected || !this.session) return;
    try {
      this.view = await this.session.client.dialogs.get(this.selected);
    } catch (err) {
      this.session.fail(err);
    }
  }

  private async onChanged(e: CustomEvent<{ change: string }>): Promise<void> {
    void this.list?.reload();
    if (e.detail.change === 'leave') {
      this.infoOpen = false;
      if (this.mode === 'inline') await this.openObject();
      else {
        this.selected = undefined;
        this.view = undefined;
      }
    } else await this.refreshView();
  }

  private async onJoined(): Promise<void> {
    await this.session?.client.sync();
    await this.refreshView();
    void this.list?.reload();
  }

  override render() {
    const session = this.session;
    if (!session) return html`<div class="empty">…</div>`;
    const t = session.i18n.t;
    const conn = session.client.connection.state;
    const inline = this.mode === 'inline';
    const showList = !inline && (!this.narrow || !this.selected);
    const showThread = inline || !this.narrow || !!this.selected;
    const showInfo = this.infoOpen && !!this.view;
    const classes = ['layout', inline ? 'inline' : '', this.narrow ? 'narrow' : '', showInfo && !this.narrow && !inline ? 'info' : ''].join(
      ' ',
    );
    return html`
      ${
        conn === 'disconnected' || conn === 'connecting'
          ? html`<div class="status" role="status">${conn === 'connecting' ? t('conn.connecting') : t('conn.disconnected')}</div>`
          : nothing
      }
      ${this.errorText ? html`<div class="error" role="alert">${this.errorText}</div>` : nothing}
      <div class=${classes}>
        ${
          showList && !(this.narrow && showInfo)
            ? html`<parley-dialog-list
              role="navigation"
              aria-label=${t('list.label')}
              .session=${session}
              .selected=${this.selected}
              @parley-select=${(e: CustomEvent<{ dialogId: string; view?: DialogView; messageId?: string }>) => this.pick(e.detail.dialogId, e.detail.view, e.detail.messageId)}
            ></parley-dialog-list>`
            : nothing
        }
        ${
          showThread && !(this.narrow && showInfo)
            ? this.missing && inline
              ? html`<div class="empty">${t('inline.none', { type: this.objectType ?? '' })}</div>`
              : html`<parley-thread
                role="region"
                aria-label=${t('thread.label')}
                .session=${session}
                .dialogId=${this.selected}
                .view=${this.view}
                .pageSize=${Math.min(100, Math.max(1, this.pageSize || 50))}
                ?show-back=${this.narrow && !inline}
                @parley-back=${() => {
                  this.selected = undefined;
                  this.infoOpen = false;
                }}
                @parley-info=${() => (this.infoOpen = !this.infoOpen)}
                @parley-joined=${this.onJoined}
              ></parley-thread>`
            : nothing
        }
        ${
          showInfo
            ? html`<parley-info
              role="complementary"
              aria-label=${t('info.title')}
              .session=${session}
              .view=${this.view}
              @parley-info-close=${() => (this.infoOpen = false)}
              @parley-dialog-changed=${this.onChanged}
            ></parley-info>`
            : nothing
        }
      </div>
    `;
  }
}
