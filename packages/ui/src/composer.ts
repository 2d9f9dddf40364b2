/**
 * @module composer: <parley-composer>, the Tiptap editor (bold, italic, underline, strike, lists, quote, code, link),
 * @mentions of the dialog's participants, and attachments (picker, paste, drag-drop) with progress and cancel.
 * Enter sends, Shift+Enter breaks the line. Emits `parley-compose` with `{ content, attachments }`.
 */
import { html, nothing } from 'lit';
import { Editor, Extension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import Mention from '@tiptap/extension-mention';
import type { AttachmentRef, ChatParticipant } from '@parley/client';
import { SessionElement } from './element.js';
import { composerStyles } from './composer-styles.js';
import { formatSize } from './format.js';
import { icons } from './icons.js';
import type { StringKey } from './i18n.js';

interface Upload {
  id: number;
  file: File;
  sent: number;
  status: 'uploading' | 'done' | 'failed';
  ref?: AttachmentRef;
  abort: AbortController;
}

interface MentionState {
  /** What follows the @, kept so the offer can be filtered again when the participants arrive. */
  query: string;
  items: ChatParticipant[];
  active: number;
  command: (attrs: { id: string; label: string }) => void;
}

const MARKS: { key: StringKey; icon: string; run: (e: Editor) => void; active: string }[] = [
  { key: 'composer.bold', icon: 'B', run: (e) => e.chain().focus().toggleBold().run(), active: 'bold' },
  { key: 'composer.italic', icon: 'I', run: (e) => e.chain().focus().toggleItalic().run(), active: 'italic' },
  { key: 'composer.underline', icon: 'U', run: (e) => e.chain().focus().toggleUnderline().run(), active: 'underline' },
  { key: 'composer.strike', icon: 'S', run: (e) => e.chain().focus().toggleStrike().run(), active: 'strike' },
  { key: 'composer.bulletList', icon: '•', run: (e) => e.chain().focus().toggleBulletList().run(), active: 'bulletList' },
  { key: 'composer.orderedList', icon: '1.', run: (e) => e.chain().focus().toggleOrderedList().run(), active: 'orderedList' },
  { key: 'composer.quote', icon: '❝', run: (e) => e.chain().focus().toggleBlockquote().run(), active: 'blockquote' },
  { key: 'composer.code', icon: '</>', run: (e) => e.chain().focus().toggleCode().run(), active: 'code' },
];

export class ParleyComposer extends SessionElement {
  static override properties = {
    ...SessionElement.properties,
    dialogId: { attribute: false },
    participants: { attribute: false },
    uploads: { state: true },
    mention: { state: true },
    empty: { state: true },
    tick: { state: true },
  };
  declare dialogId: string | undefined;
  declare participants: ChatParticipant[];
  declare uploads: Upload[];
  declare mention: MentionState | null;
  declare empty: boolean;
  declare tick: number;
  private editor: Editor | undefined;
  private nextUpload = 1;

  static override styles = [...SessionElement.styles, composerStyles];

  constructor() {
    super();
    this.participants = [];
    this.uploads = [];
    this.mention = null;
    this.empty = true;
    this.tick = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('paste', this.onPaste);
    this.addEventListener('dragover', this.onDragOver);
    this.addEventListener('dragleave', this.onDragLeave);
    this.addEventListener('drop', this.onDrop);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.editor?.destroy();
    this.editor = undefined;
    for (const u of this.uploads) if (u.status === 'uploading') u.abort.abort();
  }

  protected override firstUpdated(): void {
    const element = this.renderRoot.querySelector<HTMLElement>('.editor')!;
    const sendOnEnter = Extension.create({
      name: 'parleySendOnEnter',
      priority: 1000,
      addKeyboardShortcuts: () => ({
        Enter: () => {
          // An open mention list takes Enter to pick a person.
          if (this.mention?.items.length) return false;
          this.submit();
          return true;
        },
        'Shift-Enter': ({ editor }) =>
          editor.commands.first(({ commands }) => [
            () => commands.newlineInCode(),
            () => commands.splitListItem('listItem'),
            () => commands.createParagraphNear(),
            () => commands.liftEmptyBlock(),
            () => commands.splitBlock(),
          ]),
      }),
    });
    this.editor = new Editor({
      element,
      extensions: [
        StarterKit.configure({
          link: { openOnClick: false, autolink: true, protocols: ['http', 'https', 'mailto'] },
          heading: false,
          horizontalRule: false,
        }),
        Mention.configure({ HTMLAttributes: { class: 'mention' }, suggestion: this.mentionSuggestion() }),
        sendOnEnter,
      ],
      editorProps: {
        attributes: {
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': this.t('composer.label'),
          'data-testid': 'composer-input',
        },
      },
      onUpdate: ({ editor }) => (this.empty = editor.isEmpty),
      onSelectionUpdate: () => this.tick++,
      onTransaction: () => this.tick++,
    });
  }

  /** Mentions: offers the dialog's participants (the only people this user may see here), filtered by the query. */
  private mentionSuggestion() {
    return {
      items: ({ query }: { query: string }) => this.mentionable(query),
      render: () => ({
        onStart: (props: { query: string; items: ChatParticipant[]; command: MentionState['command'] }) => {
          this.mention = { query: props.query, items: props.items, active: 0, command: props.command };
        },
        onUpdate: (props: { query: string; items: ChatParticipant[]; command: MentionState['command'] }) => {
          this.mention = { query: props.query, items: props.items, active: 0, command: props.command };
        },
        onKeyDown: ({ event }: { event: KeyboardEvent }) => {
          const m = this.mention;
          if (!m?.items.length) return false;
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            const d = event.key === 'ArrowDown' ? 1 : -1;
            this.mention = { ...m, active: (m.active + d + m.items.length) % m.items.length };
            return true;
          }
          if (event.key === 'Enter' || event.key === 'Tab') {
            this.pickMention(m.active);
            return true;
          }
          if (event.key === 'Escape') {
            this.mention = null;
            return true;
          }
          return false;
        },
        onExit: () => {
          this.mention = null;
        },
      }),
    };
  }

  /** The participants an @query offers: anyone in the dialog but oneself, by name or id. */
  private mentionable(query: string): ChatParticipant[] {
    const q = query.toLowerCase();
    const me = this.session?.userId;
    return this.participants
      .filter((p) => p.user_id !== me)
      .filter((p) => (p.display_name ?? p.user_id).toLowerCase().includes(q) || p.user_id.toLowerCase().includes(q))
      .slice(0, 8);
  }

  /** The participants can arrive (or change) while a mention is open: the offer follows them. */
  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if (changed.has('participants') && this.mention) {
      const items = this.mentionable(this.mention.query);
      this.mention = { ...this.mention, items, active: Math.min(this.mention.active, Math.max(0, items.length - 1)) };
    }
  }

  private pickMention(index: number): void {
    const m = this.mention;
    const p = m?.items[index];
    if (!m || !p) return;
    m.command({ id: p.user_id, label: p.display_name ?? p.user_id });
    this.mention = null;
  }

  /** Puts text (HTML) into the editor: used to edit a message. */
  setContent(htmlText: string): void {
    this.editor?.commands.setContent(htmlText);
    this.empty = this.editor?.isEmpty ?? true;
    this.focus();
  }

  override focus(): void {
    this.editor?.commands.focus('end');
  }

  private get uploading(): boolean {
    return this.uploads.some((u) => u.status === 'uploading');
  }

  private submit(): void {
    if (!this.editor || this.uploading) return;
    const attachments = this.uploads.filter((u) => u.status === 'done' && u.ref).map((u) => u.ref!);
    const content = this.editor.isEmpty ? '' : this.editor.getHTML();
    if (!content && !attachments.length) return;
    this.emit('parley-compose', { content, attachments });
    this.editor.commands.clearContent(true);
    this.uploads = [];
    this.empty = true;
  }

  /** Uploads files to the open dialog, with progress; each can be cancelled. */
  addFiles(files: Iterable<File>): void {
    const client = this.session?.client;
    const dialogId = this.dialogId;
    if (!client || !dialogId) return;
    for (const file of files) {
      const upload: Upload = { id: this.nextUpload++, file, sent: 0, status: 'uploading', abort: new AbortController() };
      this.uploads = [...this.uploads, upload];
      const patch = (change: Partial<Upload>) => {
        this.uploads = this.uploads.map((u) => (u.id === upload.id ? { ...u, ...change } : u));
      };
      client.files
        .upload(dialogId, file, { onProgress: (sent) => patch({ sent }), signal: upload.abort.signal })
        .then((ref) => patch({ status: 'done', sent: file.size, ref }))
        .catch((err: { code?: string }) => {
          if (err?.code === 'ABORTED') this.uploads = this.uploads.filter((u) => u.id !== upload.id);
          else {
            patch({ status: 'failed' });
            this.session?.fail(err);
          }
        });
    }
  }

  private cancelUpload(upload: Upload): void {
    if (upload.status === 'uploading') upload.abort.abort();
    this.uploads = this.uploads.filter((u) => u.id !== upload.id);
  }

  private readonly onPaste = (e: ClipboardEvent) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    this.addFiles(files);
  };
  private readonly onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    this.setAttribute('dragging', '');
  };
  private readonly onDragLeave = () => this.removeAttribute('dragging');
  private readonly onDrop = (e: DragEvent) => {
    this.removeAttribute('dragging');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    this.addFiles(files);
  };

  private onPick(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.addFiles([...(input.files ?? [])]);
    input.value = '';
  }

  private setLink(): void {
    if (!this.editor) return;
    const previous = this.editor.getAttributes('link').href as string | undefined;
    const href = window.prompt(this.t('composer.linkPrompt'), previous ?? 'https://');
    if (href === null) return;
    if (href === '') this.editor.chain().focus().unsetLink().run();
    else this.editor.chain().focus().extendMarkRange('link').setLink({ href }).run();
  }

  override render() {
    const e = this.editor;
    return html`
      ${
        this.uploads.length
          ? html`<div class="uploads" aria-live="polite">
            ${this.uploads.map(
              (u) => html`<span class="upload ${u.status}" data-upload-status=${u.status}>
                <span>${u.status === 'failed' ? this.t('composer.uploadFailed', { name: u.file.name }) : u.file.name}</span>
                ${
                  u.status === 'uploading'
                    ? html`<progress max=${u.file.size || 1} value=${u.sent} aria-label=${this.t('composer.uploading', { name: u.file.name })}></progress>`
                    : html`<span class="muted">${formatSize(u.file.size)}</span>`
                }
                <button
                  @click=${() => this.cancelUpload(u)}
                  aria-label=${u.status === 'uploading' ? this.t('composer.cancelUpload', { name: u.file.name }) : this.t('composer.removeFile', { name: u.file.name })}
                >
                  ${icons.close}
                </button>
              </span>`,
            )}
          </div>`
          : nothing
      }
      <div class="toolbar" role="toolbar" aria-label=${this.t('composer.toolbar')}>
        ${MARKS.map(
          (m) => html`<button
            title=${this.t(m.key)}
            aria-pressed=${String(e?.isActive(m.active) ?? false)}
            @mousedown=${(ev: Event) => ev.preventDefault()}
            @click=${() => e && m.run(e)}
          >
            <span aria-hidden="true">${m.icon}</span><span class="sr-only">${this.t(m.key)}</span>
          </button>`,
        )}
        <button aria-label=${this.t('composer.link')} title=${this.t('composer.link')} aria-pressed=${String(e?.isActive('link') ?? false)} @click=${this.setLink}>${icons.link}</button>
      </div>
      <div class="row">
        <input type="file" multiple hidden @change=${this.onPick} data-testid="file-input" />
        <button
          class="attach"
          aria-label=${this.t('composer.attach')}
          title=${this.t('composer.attach')}
          @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()}
        >
          ${icons.attach}
        </button>
        <div class="editor-wrap">
          ${
            this.mention?.items.length
              ? html`<ul role="listbox" aria-label=${this.t('composer.mentions')}>
                ${this.mention.items.map(
                  (p, i) => html`<li
                    role="option"
                    aria-selected=${String(i === this.mention?.active)}
                    @mousedown=${(ev: Event) => {
                      ev.preventDefault();
                      this.pickMention(i);
                    }}
                  >
                    ${p.display_name ?? p.user_id}
                  </li>`,
                )}
              </ul>`
              : nothing
          }
          ${this.empty ? html`<span class="placeholder" aria-hidden="true">${this.t('composer.placeholder')}</span>` : nothing}
          <div class="editor"></div>
        </div>
        <button class="primary send" @click=${() => this.submit()} ?disabled=${this.uploading} aria-label=${this.t('composer.send')}>${icons.send}</button>
      </div>
    `;
  }
}
