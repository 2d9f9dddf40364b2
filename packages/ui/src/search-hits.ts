/**
 * @module search-hits: <parley-search-hits>, the messages that match the dialog list's search (`client.messages.search`,
 * newest first, the first page), each with its dialog, sender and highlighted snippet. Emits `parley-select` with
 * `{ dialogId, messageId }` when a hit is picked.
 */
import { html, css, nothing } from 'lit';
import type { SearchHit } from '@parley/client';
import { SessionElement } from './element.js';
import { dialogTitle, formatTime } from './format.js';
import { safeSnippet } from './sanitize.js';
import { rowListStyles } from './list-styles.js';

/** How many hits the list shows. */
const PAGE = 20;

export class ParleySearchHits extends SessionElement {
  static override properties = {
    ...SessionElement.properties,
    query: {},
    hits: { state: true },
    loading: { state: true },
  };
  /** The search text, already debounced by the dialog list. */
  declare query: string;
  declare hits: SearchHit[] | undefined;
  declare loading: boolean;
  private abort: AbortController | undefined;

  static override styles = [
    ...SessionElement.styles,
    rowListStyles,
    css`
      :host {
        display: block;
      }
      h3 {
        margin: 0;
        padding: 10px 12px 4px;
        font-size: 12px;
        font-weight: 600;
        text-transform: uppercase;
        color: var(--_muted);
      }
      li button {
        padding: 8px 12px;
      }
      .snippet {
        grid-column: 1 / -1;
        color: var(--_muted);
        overflow: hidden;
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
      }
      mark {
        background: color-mix(in srgb, var(--_accent) 25%, transparent);
        color: var(--_fg);
        border-radius: 2px;
      }
      .empty {
        padding: 8px 12px 12px;
        color: var(--_muted);
      }
    `,
  ];

  constructor() {
    super();
    this.query = '';
    this.loading = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.abort?.abort();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if (changed.has('query') || changed.has('session')) void this.load();
  }

  private async load(): Promise<void> {
    this.abort?.abort();
    const q = this.query.trim();
    const client = this.session?.client;
    if (!q || !client) {
      this.hits = undefined;
      return;
    }
    const abort = new AbortController();
    this.abort = abort;
    this.loading = true;
    try {
      const page = await client.messages.search({ q, limit: PAGE }, abort.signal);
      if (abort.signal.aborted) return;
      this.hits = page.hits;
      this.emit('parley-search-loaded', { query: q, count: page.hits.length });
    } catch (err) {
      if (!abort.signal.aborted) this.session?.fail(err);
    } finally {
      if (this.abort === abort) this.loading = false;
    }
  }

  private sender(hit: SearchHit): string {
    const m = hit.message;
    if (!m.sender_id || !this.session) return '';
    return m.sender_id === this.session.userId ? this.t('msg.you') : this.session.name(m.sender_id);
  }

  override render() {
    if (!this.hits) return nothing;
    return html`<section aria-labelledby="hits-heading" aria-busy=${String(this.loading)}>
      <h3 id="hits-heading">${this.t('search.messages')}</h3>
      ${this.hits.length === 0 && !this.loading ? html`<p class="empty">${this.t('search.none')}</p>` : nothing}
      <ul>
        ${this.hits.map((hit) => {
          const who = this.sender(hit);
          return html`<li>
            <button
              data-search-hit=${hit.message.id}
              data-hit-dialog=${hit.dialog.id}
              @click=${() => this.emit('parley-select', { dialogId: hit.dialog.id, messageId: hit.message.id })}
            >
              <span class="title">${dialogTitle(hit.dialog)}</span>
              <span class="meta">${this.session ? formatTime(hit.message.sent_at, this.session.i18n) : ''}</span>
              <span class="snippet">${who ? `${who}: ` : ''}${safeSnippet(hit.snippet)}</span>
            </button>
          </li>`;
        })}
      </ul>
    </section>`;
  }
}
