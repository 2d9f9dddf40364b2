/** @module chatkit/bar: the strip above the composer of <parley-chatkit>: notices, progress while a reply streams, and the error with Retry. */
import { html, nothing } from 'lit';
import type { ChatKitState } from '@parley/chatkit';
import type { ChatKitTranslate } from './strings.js';

export interface BarView {
  t: ChatKitTranslate;
  state: ChatKitState;
  /** The safe message of the last `chatkit.error`; it wins over the raw text in the state. */
  problem: { message: string; allowRetry: boolean } | null;
  /** The user message a Retry re-runs, if any. */
  retryId: string | undefined;
  onRetry(userItemId: string): void;
  onDismiss(): void;
}

export function renderBar(v: BarView) {
  const { t, state: s } = v;
  const problem = v.problem ?? (s.error ? { message: t('ck.error'), allowRetry: s.error.allowRetry } : null);
  if (!s.progress && !s.notices.length && !problem && !s.streaming) return nothing;
  const retryId = v.retryId;
  return html`<div class="bar">
    ${s.notices.map(
      (n) =>
        html`<div class="row notice" role="status" data-level=${n.level}><span class="grow">${n.title ? html`<strong>${n.title}</strong> ` : nothing}${n.message}</span></div>`,
    )}
    ${s.streaming ? html`<div class="row" role="status"><span class="grow muted">${s.progress?.text || t('agent.thinking')}</span></div>` : nothing}
    ${
      problem
        ? html`<div class="row error" role="alert">
          <span class="grow">${problem.message}</span>
          ${problem.allowRetry && retryId && !s.streaming ? html`<button type="button" @click=${() => v.onRetry(retryId)}>${t('ck.retry')}</button>` : nothing}
          <button type="button" @click=${() => v.onDismiss()}>${t('agent.dismiss')}</button>
        </div>`
        : nothing
    }
  </div>`;
}
