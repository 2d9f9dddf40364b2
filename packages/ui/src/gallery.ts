/**
 * @module gallery: <parley-gallery>, a modal viewer for a dialog's images (arrow keys, +/- zoom, Escape) and an
 * inline PDF preview. Focus moves into it when it opens and back to the opener when it closes.
 */
import { html, css, nothing } from 'lit';
import { SessionElement } from './element.js';
import { isImage, isPdf, type Attachment } from './attachments.js';
import { icons } from './icons.js';

/** What the gallery shows when `file` is opened among the thread's files: a PDF alone, or an image among all images. */
export function galleryOf(files: Attachment[], file: Attachment): { files: Attachment[]; index: number } {
  const viewable = isPdf(file) ? [file] : files.filter(isImage);
  return {
    files: viewable,
    index: Math.max(
      0,
      viewable.findIndex((f) => f.id === file.id),
    ),
  };
}

export class ParleyGallery extends SessionElement {
  static override properties = {
    ...SessionElement.properties,
    files: { attribute: false },
    index: { type: Number },
    zoom: { state: true },
  };
  declare files: Attachment[];
  declare index: number;
  declare zoom: number;
  private opener: Element | null = null;

  static override styles = [
    ...SessionElement.styles,
    css`
      :host {
        position: fixed;
        inset: 0;
        z-index: 1000;
        display: flex;
        flex-direction: column;
        background: rgba(0, 0, 0, 0.88);
        color: #fff;
      }
      header {
        display: flex;
        gap: 8px;
        align-items: center;
        padding: 8px;
      }
      header .name {
        flex: 1;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      button {
        color: #fff;
        border-color: rgba(255, 255, 255, 0.4);
        min-width: 36px;
      }
      button:hover {
        background: rgba(255, 255, 255, 0.15);
      }
      .stage {
        flex: 1;
        overflow: auto;
        display: flex;
        align-items: center;
        justify-content: center;
      }
      img {
        max-width: 100%;
        max-height: 100%;
        transform-origin: center;
        transition: transform 0.1s;
      }
      object {
        width: 100%;
        height: 100%;
        background: #fff;
      }
    `,
  ];

  constructor() {
    super();
    this.files = [];
    this.index = 0;
    this.zoom = 1;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('role', 'dialog');
    this.setAttribute('aria-modal', 'true');
    this.opener = (this.getRootNode() as ShadowRoot | Document).activeElement ?? null;
    this.addEventListener('keydown', this.onKey);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.close')?.focus());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
    (this.opener as HTMLElement | null)?.focus?.();
  }

  private get file(): Attachment | undefined {
    return this.files[this.index];
  }

  private step(delta: number): void {
    if (!this.files.length) return;
    this.index = (this.index + delta + this.files.length) % this.files.length;
    this.zoom = 1;
  }

  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') this.close();
    else if (e.key === 'ArrowRight') this.step(1);
    else if (e.key === 'ArrowLeft') this.step(-1);
    else if (e.key === '+' || e.key === '=') this.zoom = Math.min(4, this.zoom + 0.5);
    else if (e.key === '-') this.zoom = Math.max(0.5, this.zoom - 0.5);
    else if (e.key === 'Tab') this.trapFocus(e);
    else return;
    if (e.key !== 'Tab') e.preventDefault();
  };

  private trapFocus(e: KeyboardEvent): void {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLElement>('button')];
    const active = this.shadowRoot?.activeElement;
    const first = buttons[0];
    const last = buttons[buttons.length - 1];
    if (e.shiftKey && active === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first?.focus();
    }
  }

  close(): void {
    this.emit('parley-gallery-close');
  }

  override render() {
    const file = this.file;
    if (!file) return nothing;
    const label = isPdf(file) ? this.t('gallery.pdf', { name: file.filename }) : this.t('gallery.label');
    this.setAttribute('aria-label', label);
    const many = this.files.length > 1;
    return html`
      <header>
        <span class="name">${file.filename}${many ? ` (${this.index + 1}/${this.files.length})` : ''}</span>
        ${
          isPdf(file)
            ? nothing
            : html`<button @click=${() => (this.zoom = Math.max(0.5, this.zoom - 0.5))} aria-label=${this.t('gallery.zoomOut')}>−</button>
              <button @click=${() => (this.zoom = Math.min(4, this.zoom + 0.5))} aria-label=${this.t('gallery.zoomIn')}>+</button>`
        }
        ${
          many
            ? html`<button @click=${() => this.step(-1)} aria-label=${this.t('gallery.prev')}>‹</button>
              <button @click=${() => this.step(1)} aria-label=${this.t('gallery.next')}>›</button>`
            : nothing
        }
        <button class="close" @click=${() => this.close()} aria-label=${this.t('gallery.close')}>${icons.close}</button>
      </header>
      <div class="stage">
        ${
          isPdf(file)
            ? html`<object type="application/pdf" data=${file.url} aria-label=${label}><a href=${file.url}>${file.filename}</a></object>`
            : html`<img src=${file.url} alt=${file.filename} style="transform: scale(${this.zoom})" data-zoom=${this.zoom} />`
        }
      </div>
    `;
  }
}
