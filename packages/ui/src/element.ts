/** @module element: the base class of the inner elements: a session property, the translator, re-render on locale change. */
import { LitElement } from 'lit';
import type { StringKey } from './i18n.js';
import type { ChatSession } from './session.js';
import { baseStyles } from './theme.js';

export class SessionElement extends LitElement {
  static override styles = [baseStyles];
  static override properties = { session: { attribute: false } };
  declare session: ChatSession | undefined;
  private watched: ChatSession | undefined;
  private readonly onSessionChange = () => this.requestUpdate();

  protected t(key: StringKey, params?: Record<string, string | number>): string {
    return this.session?.i18n.t(key, params) ?? key;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('session') && this.watched !== this.session) {
      this.watched?.removeEventListener('change', this.onSessionChange);
      this.watched = this.session;
      this.watched?.addEventListener('change', this.onSessionChange);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.watched?.removeEventListener('change', this.onSessionChange);
    this.watched = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.session && !this.watched) {
      this.watched = this.session;
      this.session.addEventListener('change', this.onSessionChange);
    }
  }

  /** Dispatches a composed, bubbling event that leaves the shadow roots (what host pages listen to). */
  protected emit<T>(name: string, detail?: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}
