/**
 * @module chatkit/parley-chatkit: <parley-chatkit>, a ChatKit thread view for any ChatKit server, built on
 * @parley/chatkit's createChatKit: thread list, history with paging, composer, streaming with stop, widgets,
 * client tools answered by the host's `onClientTool`, feedback, retry, notices, errors and progress.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import {
  createChatKit,
  type ChatKit,
  type ChatKitError,
  type ChatKitEvents,
  type ChatKitOptions,
  type ChatKitState,
  type ChatKitThreadMeta,
  type ClientTool,
  type UploadStrategy,
} from '@parley/chatkit';
import { baseStyles, themeStyles } from '../theme.js';
import type { WidgetActionDetail } from '../widgets/types.js';
import type { ParleyWidget } from '../widgets/widget.js';
import { renderBar } from './bar.js';
import { type OnClientTool, toolRegistry } from './client-tools.js';
import { renderComposer, type ModelOption, type ToolOption } from './composer.js';
import { answeredBy, renderItem } from './items.js';
import { chatkitI18n, type ChatKitStrings } from './strings.js';
import { chatkitStyles } from './styles.js';
import { renderThreadList } from './threads.js';
import { Uploads } from './uploads.js';
import type { Strings } from '../i18n.js';

/** The core's events re-dispatched on the element as DOM events of the same name (as chatkit-js's element does). */
const FORWARDED: (keyof ChatKitEvents)[] = [
  'chatkit.ready',
  'chatkit.error',
  'chatkit.log',
  'chatkit.effect',
  'chatkit.response.start',
  'chatkit.response.end',
  'chatkit.thread.change',
  'chatkit.thread.load.start',
  'chatkit.thread.load.end',
  'chatkit.tool.change',
  'chatkit.auth.expired',
];

export class ParleyChatKit extends LitElement {
  static override styles = [themeStyles, baseStyles, chatkitStyles];
  static override properties = {
    apiUrl: { attribute: 'api-url' },
    domainKey: { attribute: 'domain-key' },
    locale: {},
    theme: { reflect: true },
    threadId: { attribute: 'thread-id' },
    history: { reflect: true },
    getClientSecret: { attribute: false },
    headers: { attribute: false },
    onClientTool: { attribute: false },
    clientTools: { attribute: false },
    tools: { attribute: false },
    models: { attribute: false },
    strings: { attribute: false },
    attachments: { attribute: false },
    uploadStrategy: { attribute: false },
    options: { attribute: false },
    view: { state: true },
    threads: { state: true },
    problem: { state: true },
    renaming: { state: true },
    hasOlder: { state: true },
  };
  /** The ChatKit endpoint (`/chatkit` of Parley, or a chatkit-python route). */
  declare apiUrl: string | undefined;
  declare domainKey: string | undefined;
  declare locale: string | undefined;
  declare theme: 'light' | 'dark';
  /** The thread to open; the element sets it as the user moves between threads. */
  declare threadId: string | null;
  /** `off` hides the thread list. */
  declare history: 'on' | 'off';
  /** Hosted mode: a bearer client secret (Parley: a token minted with `chatkit: {agent_id}`). */
  declare getClientSecret: ((current: string | null) => Promise<string>) | undefined;
  /** Custom mode: headers sent with every request (read again for each one). */
  declare headers: Record<string, string> | undefined;
  /** Answers client tool calls: its result goes back as `threads.add_client_tool_output`. */
  declare onClientTool: OnClientTool | undefined;
  /** Client tools with their own argument schema (checked before the handler); they win over `onClientTool`. */
  declare clientTools: Record<string, ClientTool<unknown>> | undefined;
  declare tools: ToolOption[];
  declare models: ModelOption[];
  declare strings: Partial<ChatKitStrings & Strings>;
  /** Attachment limits, or false to hide the attach button. */
  declare attachments: ChatKitOptions['attachments'] | false;
  declare uploadStrategy: UploadStrategy | undefined;
  /** Anything else createChatKit takes (transport tuning, entities, widgets.onAction, transcribe). */
  declare options: Partial<ChatKitOptions>;
  declare view: ChatKitState | undefined;
  declare threads: ChatKitThreadMeta[];
  declare problem: { message: string; allowRetry: boolean } | null;
  declare renaming: string | null;
  declare hasOlder: boolean;

  private kit: ChatKit | undefined;
  private offs: (() => void)[] = [];
  private i18n = chatkitI18n(undefined);
  private readonly open = new Set<string>();
  private readonly feedback = new Map<string, 'positive' | 'negative'>();
  private readonly uploads = new Uploads(
    () => this.kit,
    () => this.requestUpdate(),
  );
  private tool = '';
  private model = '';
  private stick = true;

  constructor() {
    super();
    this.theme = 'light';
    this.threadId = null;
    this.history = 'on';
    this.tools = [];
    this.models = [];
    this.strings = {};
    this.options = {};
    this.threads = [];
    this.problem = null;
    this.renaming = null;
    this.hasOlder = false;
  }

  /** The headless client behind the element (for hosts that need a method the element does not offer). */
  get chatkit(): ChatKit | undefined {
    return this.kit;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.shadowRoot?.addEventListener('parley-widget-action', this.onWidgetAction);
    if (!this.kit && this.hasUpdated) this.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.shadowRoot?.removeEventListener('parley-widget-action', this.onWidgetAction);
    this.disconnect();
  }

  protected override firstUpdated(): void {
    this.shadowRoot!.addEventListener('parley-widget-action', this.onWidgetAction);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale') || changed.has('strings')) this.i18n = chatkitI18n(this.locale ?? navigator.language, this.strings);
    if (!this.model && this.models.length) this.model = (this.models.find((m) => m.default) ?? this.models[0]!).id;
    // The secret function is called through the element, so only a switch between hosted and custom mode rebuilds.
    const hosted = this.getClientSecret !== undefined;
    const rebuild =
      ['apiUrl', 'domainKey', 'uploadStrategy', 'options', 'attachments'].some((k) => (changed as Map<PropertyKey, unknown>).has(k)) ||
      (changed.has('getClientSecret') && this.kit?.hosted !== hosted);
    if (rebuild && this.isConnected) this.connect();
    else if (changed.has('threadId') && this.kit && this.threadId !== (this.view?.threadId ?? null)) void this.openThread(this.threadId);
  }

  protected override updated(): void {
    const scroller = this.renderRoot.querySelector('.scroller');
    if (scroller && this.stick) scroller.scrollTop = scroller.scrollHeight;
  }

  private disconnect(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.kit?.dispose();
    this.kit = undefined;
  }

  private connect(): void {
    this.disconnect();
    if (!this.apiUrl) return;
    const url = this.apiUrl;
    const api: ChatKitOptions['api'] = this.getClientSecret
      ? { url, getClientSecret: (current) => this.getClientSecret!(current) }
      : {
          url,
          ...(this.domainKey ? { domainKey: this.domainKey } : {}),
          headersBuilder: () => ({ ...(this.headers ?? {}) }),
          ...(this.uploadStrategy ? { uploadStrategy: this.uploadStrategy } : {}),
        };
    const kit = createChatKit({
      ...this.options,
      api,
      ...(this.locale ? { locale: this.locale } : {}),
      ...(this.attachments ? { attachments: this.attachments } : {}),
      clientTools: toolRegistry(
        () => this.clientTools,
        () => this.onClientTool,
      ),
    });
    this.kit = kit;
    this.view = kit.state;
    this.offs = [
      ...FORWARDED.map((name) =>
        kit.on(name, (detail: unknown) => this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }))),
      ),
      kit.on('chatkit.state', (s) => {
        this.view = s;
      }),
      kit.on('chatkit.stream.event', (e) => {
        if (e.type === 'thread.item.added') this.open.add(e.item.id);
        else if (e.type === 'thread.item.done' || e.type === 'thread.item.replaced') this.open.delete(e.item.id);
        else if (e.type === 'thread.item.removed') this.open.delete(e.item_id);
      }),
      kit.on('chatkit.response.end', () => {
        this.open.clear();
        this.requestUpdate();
      }),
      kit.on('chatkit.thread.change', ({ threadId }) => {
        if (this.threadId !== threadId) this.threadId = threadId;
        void this.refreshThreads();
      }),
      kit.on('chatkit.error', ({ error }) => this.showError(error)),
    ];
    void this.refreshThreads();
    if (this.threadId) void this.openThread(this.threadId);
  }

  private showError(error: ChatKitError): void {
    this.problem = { message: error.message, allowRetry: error.allowRetry };
  }

  /** Runs a core call; its failure is already shown through `chatkit.error`. */
  private async run(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if ((err as ChatKitError).code?.startsWith('busy')) return;
    }
  }

  private async refreshThreads(): Promise<void> {
    if (this.history === 'off' || !this.kit) return;
    const kit = this.kit;
    try {
      const page = await kit.listThreads({ limit: 50 });
      if (kit === this.kit) this.threads = page.data;
    } catch {
      // Shown through chatkit.error.
    }
  }

  private async openThread(id: string | null): Promise<void> {
    const kit = this.kit;
    if (!kit) return;
    this.problem = null;
    this.stick = true;
    this.hasOlder = false;
    await this.run(async () => {
      await kit.setThreadId(id);
      if (id) this.hasOlder = await kit.loadLatest(20);
    });
  }

  private async loadOlder(): Promise<void> {
    const kit = this.kit;
    if (!kit) return;
    const scroller = this.renderRoot.querySelector('.scroller');
    const fromBottom = scroller ? scroller.scrollHeight - scroller.scrollTop : 0;
    this.stick = false;
    await this.run(async () => {
      this.hasOlder = await kit.loadOlder(20);
    });
    await this.updateComplete;
    if (scroller) scroller.scrollTop = scroller.scrollHeight - fromBottom;
  }

  /** Sends a message as the user would (text plus the stored attachments, the picked tool and model). */
  async sendUserMessage(text: string): Promise<void> {
    const kit = this.kit;
    if (!kit) return;
    this.problem = null;
    this.stick = true;
    const attachments = this.uploads.ready;
    this.uploads.clear();
    await this.run(() =>
      kit.sendUserMessage({
        text,
        ...(attachments.length ? { attachments } : {}),
        toolChoice: this.tool ? { id: this.tool } : null,
        ...(this.model ? { model: this.model } : {}),
      }),
    );
  }

  private readonly onWidgetAction = (e: Event) => {
    const detail = (e as CustomEvent<WidgetActionDetail>).detail;
    const widget = e.composedPath()[0] as ParleyWidget;
    e.stopPropagation();
    const kit = this.kit;
    if (!kit || !detail?.action) return void widget.done?.();
    this.problem = null;
    void this.run(() => kit.sendCustomAction(detail.action, detail.itemId)).finally(() => widget.done?.());
  };

  private retry(userItemId: string): void {
    const kit = this.kit;
    if (!kit) return;
    this.problem = null;
    this.stick = true;
    void this.run(() => kit.retryAfterItem(userItemId));
  }

  private lastUserItem(): string | undefined {
    return [...(this.view?.items ?? [])].reverse().find((i) => i.type === 'user_message' && !i.pending)?.id;
  }

  protected override render() {
    const t = this.i18n.t;
    const s = this.view;
    const kit = this.kit;
    const busy = !!s?.streaming;
    const items = s?.items ?? [];
    const answers = answeredBy(items);
    const context = {
      t,
      theme: this.theme,
      open: this.open,
      busy,
      feedback: this.feedback,
      onFeedback: (id: string, kind: 'positive' | 'negative') => {
        if (!kit) return;
        this.feedback.set(id, kind);
        this.requestUpdate();
        void this.run(() => kit.submitFeedback([id], kind)).then(() => {
          if (this.problem) this.feedback.delete(id);
        });
      },
      onRetry: (id: string) => this.retry(id),
    };
    const title = s?.thread ? s.thread.title || t('ck.untitled') : t('ck.newThread');
    return html`<div class="layout">
      ${
        this.history === 'off'
          ? nothing
          : renderThreadList({
              t,
              threads: this.threads,
              current: s?.threadId ?? null,
              renaming: this.renaming,
              busy,
              onOpen: (id) => void this.openThread(id),
              onStartRename: (id) => {
                this.renaming = id;
              },
              onRename: (id, value) => {
                this.renaming = null;
                void this.run(() => kit!.renameThread(id, value)).then(() => this.refreshThreads());
              },
              onDelete: (id) => void this.run(() => kit!.deleteThread(id)).then(() => this.refreshThreads()),
            })
      }
      <main aria-labelledby="ck-title">
        <h2 id="ck-title">${title}</h2>
        <div class="scroller" @scroll=${(e: Event) => {
          const el = e.currentTarget as HTMLElement;
          this.stick = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}>
          ${this.hasOlder ? html`<button type="button" class="older" @click=${() => void this.loadOlder()}>${t('ck.older')}</button>` : nothing}
          ${items.length === 0 ? html`<div class="start">${t('ck.start')}</div>` : nothing}
          <div role="list" aria-label=${t('thread.label')} style="display:contents">
            ${items.map((i) => renderItem(i, answers.get(i.id), context))}
          </div>
        </div>
        ${
          s
            ? renderBar({
                t,
                state: s,
                problem: this.problem,
                retryId: this.lastUserItem(),
                onRetry: (id) => this.retry(id),
                onDismiss: () => {
                  this.problem = null;
                  if (s.error) this.view = { ...s, error: null };
                },
              })
            : nothing
        }
        ${renderComposer({
          t,
          uploads: this.uploads,
          attachments: this.attachments !== false,
          tools: this.tools,
          models: this.models,
          tool: this.tool,
          model: this.model,
          streaming: busy,
          canStop: !!s?.allowCancel,
          disabled: !kit,
          onSend: (text) => void this.sendUserMessage(text),
          onStop: () => kit?.cancel(),
          onFiles: (files) => {
            for (const f of files) void this.uploads.add(f);
          },
          onTool: (id) => {
            this.tool = id;
            kit?.setTool(id || null);
            this.requestUpdate();
          },
          onModel: (id) => {
            this.model = id;
            this.requestUpdate();
          },
        })}
      </main>
    </div>`;
  }
}
