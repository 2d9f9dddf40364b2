/** @module join-form: <parley-join-form>, the profile form a potential participant fills to join an available dialog. */
import { html, css } from 'lit';
import type { DialogView } from '@parley/client';
import { SessionElement } from './element.js';

export class ParleyJoinForm extends SessionElement {
  static override properties = { ...SessionElement.properties, view: { attribute: false }, busy: { state: true } };
  declare view: DialogView | undefined;
  declare busy: boolean;

  static override styles = [
    ...SessionElement.styles,
    css`
      :host {
        display: block;
        padding: 16px;
        overflow-y: auto;
      }
      form {
        display: grid;
        gap: 10px;
        max-width: 420px;
      }
      label {
        display: grid;
        gap: 4px;
      }
      h3 {
        margin: 0;
      }
    `,
  ];

  constructor() {
    super();
    this.busy = false;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const value = (k: string) => String(data.get(k) ?? '').trim();
    const client = this.session?.client;
    if (!client || !this.view) return;
    this.busy = true;
    try {
      await client.dialogs.join(this.view.id, {
        display_name: value('display_name'),
        company: value('company'),
        email: value('email') || null,
        phone: value('phone') || null,
      });
      this.emit('parley-joined', { dialogId: this.view.id });
    } catch (err) {
      this.session?.fail(err);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const p = this.session?.profile ?? {};
    return html`<form @submit=${this.submit} aria-labelledby="join-title">
      <h3 id="join-title">${this.t('join.title')}</h3>
      <p class="muted">${this.t('join.intro')} ${this.view?.participants_count ? this.t('join.participants', { count: this.view.participants_count }) : ''}</p>
      <label>${this.t('join.name')} <input name="display_name" required autocomplete="name" .value=${p.displayName ?? ''} /></label>
      <label>${this.t('join.company')} <input name="company" required autocomplete="organization" .value=${p.company ?? ''} /></label>
      <label>${this.t('join.email')} <input name="email" type="email" autocomplete="email" .value=${p.email ?? ''} /></label>
      <label>${this.t('join.phone')} <input name="phone" type="tel" autocomplete="tel" .value=${p.phone ?? ''} /></label>
      <button class="primary" type="submit" ?disabled=${this.busy}>${this.t('join.submit')}</button>
    </form>`;
  }
}
