/**
 * @module session: what every element of one <parley-chat> shares: the @parley/client instance, the translator,
 * the signed-in user, and a directory of display names learned from dialog lists and participant lists.
 */
import type { ChatParticipant, DialogView, ParleyClient } from '@parley/client';
import type { I18n } from './i18n.js';
import type { ClientToolHandler } from './client-tools.js';

export interface JoinDefaults {
  displayName?: string;
  company?: string;
  email?: string;
  phone?: string;
}

export class ChatSession extends EventTarget {
  private names = new Map<string, string>();
  /** The user's profile as the host knows it: pre-fills the join form. */
  profile: JoinDefaults = {};
  /** The chat's theme, for inner elements that carry their own defaults (agent widgets). */
  theme: 'light' | 'dark' = 'light';
  /** The host page's answer to agents' client tool calls (`<parley-chat>.onClientTool`). */
  onClientTool: ClientToolHandler | undefined;

  constructor(
    readonly client: ParleyClient,
    public i18n: I18n,
  ) {
    super();
  }

  get userId(): string | null {
    return this.client.state.get().userId;
  }

  /** Remembers the names of a dialog's participants. */
  learn(view: Pick<DialogView, 'participants'> | undefined, participants: ChatParticipant[] = []): void {
    for (const p of view?.participants ?? []) if (p.display_name) this.names.set(p.user_id, p.display_name);
    for (const p of participants) if (p.display_name) this.names.set(p.user_id, p.display_name);
  }

  name(userId: string | null | undefined): string {
    if (!userId) return '';
    if (userId === this.userId) return this.i18n.t('msg.you');
    return this.names.get(userId) ?? userId;
  }

  /** Re-renders every element after a locale or strings change. */
  setI18n(i18n: I18n): void {
    this.i18n = i18n;
    this.dispatchEvent(new Event('change'));
  }

  /** Re-renders every element after a theme change. */
  setTheme(theme: 'light' | 'dark'): void {
    if (theme === this.theme) return;
    this.theme = theme;
    this.dispatchEvent(new Event('change'));
  }

  /** Reports a failed action to the host page and the user. */
  fail(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.dispatchEvent(new CustomEvent('error', { detail: { message, code: (err as { code?: string }).code } }));
  }
}
