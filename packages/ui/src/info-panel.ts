/**
 * @module info-panel: <parley-info>, a dialog's participants with presence, the contacts the server lets this user
 * see, the link to the host's object, and leave / archive / pin / notifications.
 */
import { html, css, nothing } from 'lit';
import type { ChatParticipant, DialogView } from '@parley/client';
import { SessionElement } from './element.js';
import { initials } from './format.js';
import { icons } from './icons.js';

export class ParleyInfo extends SessionElement {
  static override properties = { ...SessionElement.properties, view: { attribute: false }, participants: { state: true } };
  declare view: DialogView | undefined;
  declare participants: ChatParticipant[];
  private off: (() => void)[] = [];

  static override styles = [
    ...SessionElement.styles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 12px;
        background: var(--_bg);
        border-left: 1px solid var(--_border);
        overflow-y: auto;
        min-width: 0;
      }
      header {
        display: flex;
        align-items: center;
      }
      h2 {
        font-size: 16px;
        margin: 0;
        flex: 1;
      }
      h3 {
        font-size: 13px;
        margin: 0;
        color: var(--_muted);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 8px;
      }
      li {
        display: grid;
        grid-template-columns: 32px 1fr;
        gap: 8px;
        align-items: center;
      }
      .avatar {
        width: 32px;
        height: 32px;
        border-radius: 50%;
        background: var(--_surface);
        display: grid;
        place-items: center;
        font-size: 12px;
        position: relative;
      }
      .avatar[data-online='true']::after {
        content: '';
        position: absolute;
        right: 0;
        bottom: 0;
        width: 9px;
        height: 9px;
        border-radius: 50%;
        background: var(--_online);
        border: 2px solid var(--_bg);
      }
      .contacts {
        font-size: 12px;
        color: var(--_muted);
      }
      .actions {
        display: grid;
        gap: 6px;
      }
      .actions button {
        border-color: var(--_border);
        text-align: left;
      }
      .danger {
        color: var(--_danger);
      }
      a {
        color: var(--_accent);
      }
    `,
  ];

  constructor() {
    super();
    this.participants = [];
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    if ((changed.has('view') || changed.has('session')) && this.session && this.view) {
      for (const off of this.off) off();
      this.off = [this.session.client.state.subscribe(() => this.requestUpdate())];
      void this.load();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const off of this.off) off();
    this.off = [];
  }

  private async load(): Promise<void> {
    if (!this.session || !this.view || this.view.i_am_participant === false) return;
    try {
      this.participants = await this.session.client.participants.list(this.view.id);
    } catch (err) {
      this.session.fail(err);
    }
  }

  private async act(kind: 'leave' | 'archive' | 'unarchive' | 'pin' | 'unpin' | 'notifications', enabled?: boolean): Promise<void> {
    const client = this.session?.client;
    const id = this.view?.id;
    if (!client || !id) return;
    try {
      if (kind === 'notifications') await client.dialogs.setNotifications(id, enabled ?? true);
      else await client.dialogs[kind](id);
      this.emit('parley-dialog-changed', { dialogId: id, change: kind });
    } catch (err) {
      this.session?.fail(err);
    }
  }

  override render() {
    const view = this.view;
    if (!view || !this.session) return nothing;
    const state = this.session.client.state.get();
    const d = state.chat.dialogs[view.id];
    const archived = d?.is_archived ?? view.is_archived ?? false;
    const pinned = d?.is_pinned ?? view.is_pinned ?? false;
    const notify = d?.notifications_enabled ?? view.notifications_enabled ?? true;
    return html`
      <header>
        <h2 id="info-title">${this.t('info.title')}</h2>
        <button @click=${() => this.emit('parley-info-close')} aria-label=${this.t('info.close')}>${icons.close}</button>
      </header>
      ${
        view.object_url
          ? html`<a href=${view.object_url} target="_blank" rel="noopener">${this.t('info.object', { type: view.object_type })} ${view.object_id}</a>`
          : nothing
      }
      <section aria-labelledby="participants-title">
        <h3 id="participants-title">${this.t('info.participants')}</h3>
        <ul>
          ${this.participants.map((p) => {
            const online = state.presence[p.user_id] ?? p.is_online;
            const name = p.display_name ?? p.user_id;
            return html`<li>
              <span class="avatar" data-online=${String(online)} aria-hidden="true">${initials(name)}</span>
              <span>
                <span>${name}</span>${p.company ? html` <span class="muted">· ${p.company}</span>` : nothing}
                <span class="sr-only">${online ? this.t('info.online') : this.t('info.offline')}</span>
                ${
                  p.email || p.phone
                    ? html`<div class="contacts">
                      ${p.email ? html`<a href="mailto:${p.email}">${p.email}</a>` : nothing} ${p.phone ? html`<a href="tel:${p.phone}">${p.phone}</a>` : nothing}
                    </div>`
                    : nothing
                }
              </span>
            </li>`;
          })}
        </ul>
      </section>
      ${
        view.i_am_participant === false
          ? nothing
          : html`<div class="actions">
            <label><input type="checkbox" .checked=${notify} @change=${(e: Event) => this.act('notifications', (e.target as HTMLInputElement).checked)} /> ${this.t('info.notifications')}</label>
            <button @click=${() => this.act(pinned ? 'unpin' : 'pin')}>${pinned ? this.t('info.unpin') : this.t('info.pin')}</button>
            <button @click=${() => this.act(archived ? 'unarchive' : 'archive')}>${archived ? this.t('info.unarchive') : this.t('info.archive')}</button>
            <button class="danger" @click=${() => this.act('leave')}>${this.t('info.leave')}</button>
          </div>`
      }
    `;
  }
}
