/** @module chatkit/threads: the thread list of <parley-chatkit>: open, start, rename (inline field) and delete a conversation. */
import { html, nothing } from 'lit';
import type { ChatKitThreadMeta } from '@parley/chatkit';
import type { ChatKitTranslate } from './strings.js';

export interface ThreadListView {
  t: ChatKitTranslate;
  threads: ChatKitThreadMeta[];
  current: string | null;
  renaming: string | null;
  busy: boolean;
  onOpen(id: string | null): void;
  onStartRename(id: string | null): void;
  onRename(id: string, title: string): void;
  onDelete(id: string): void;
}

export function renderThreadList(v: ThreadListView) {
  const t = v.t;
  return html`<nav aria-labelledby="ck-threads">
    <h2 id="ck-threads">${t('ck.threads')}</h2>
    <button type="button" class="new primary" ?disabled=${v.busy} @click=${() => v.onOpen(null)}>${t('ck.newThread')}</button>
    ${v.threads.length === 0 ? html`<div class="empty">${t('ck.noThreads')}</div>` : nothing}
    <ul>
      ${v.threads.map((th) => {
        const title = th.title || t('ck.untitled');
        if (v.renaming === th.id)
          return html`<li data-thread-id=${th.id}>
            <form @submit=${(e: Event) => {
              e.preventDefault();
              const value = (e.currentTarget as HTMLFormElement).querySelector('input')!.value.trim();
              if (value) v.onRename(th.id, value);
              else v.onStartRename(null);
            }}>
              <input aria-label=${t('ck.renameField')} .value=${th.title ?? ''} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && v.onStartRename(null)} />
            </form>
          </li>`;
        return html`<li data-thread-id=${th.id} aria-current=${th.id === v.current ? 'true' : 'false'}>
          <button type="button" class="open" ?disabled=${v.busy} @click=${() => v.onOpen(th.id)}>${title}</button>
          <button type="button" class="tiny" aria-label=${t('ck.rename', { title })} @click=${() => v.onStartRename(th.id)}>✎</button>
          <button type="button" class="tiny" aria-label=${t('ck.delete', { title })} ?disabled=${v.busy} @click=${() => v.onDelete(th.id)}>✕</button>
        </li>`;
      })}
    </ul>
  </nav>`;
}
