/**
 * @module chatkit/items: how each ChatKit thread item looks in <parley-chatkit>: user and assistant messages
 * (markdown through the sanitizer, sources from annotations), widgets, client tool calls, workflows and tasks,
 * generated images, with the feedback and retry actions under an answer.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { marked } from 'marked';
import type { ChatKitItem } from '@parley/chatkit';
import { safeHtml } from '../sanitize.js';
import type { WidgetNode } from '../widgets/types.js';
import type { ChatKitTranslate } from './strings.js';

export interface ItemContext {
  t: ChatKitTranslate;
  theme: 'light' | 'dark';
  /** Items the server added and did not finish yet (a reply still streaming). */
  open: ReadonlySet<string>;
  busy: boolean;
  feedback: ReadonlyMap<string, 'positive' | 'negative'>;
  onFeedback(itemId: string, kind: 'positive' | 'negative'): void;
  onRetry(userItemId: string): void;
}

type Part = { type?: string; text?: string; annotations?: Array<{ source?: Source }> };
type Source = { type?: string; title?: string; url?: string; filename?: string; id?: string; label?: string };
type Task = { type?: string; title?: string; content?: string; status_indicator?: string; queries?: string[]; sources?: Source[] };

/** Only web links become links: anything else (javascript:, data:) is shown as text. */
const webUrl = (url: unknown): string | null => (typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null);

const markdown = (text: string) => safeHtml(marked.parse(text, { async: false }) as string);

function sources(parts: Part[], t: ChatKitTranslate) {
  const seen = new Set<string>();
  const list: Source[] = [];
  for (const part of parts)
    for (const a of part.annotations ?? []) {
      const s = a.source;
      if (!s) continue;
      const key = `${s.type}:${s.url ?? s.filename ?? s.id ?? s.title}`;
      if (seen.has(key)) continue;
      seen.add(key);
      list.push(s);
    }
  if (list.length === 0) return nothing;
  return html`<div class="sources">
    <span class="meta">${t('ck.sources')}</span>
    <ol>
      ${list.map((s) => {
        const label = s.title || s.label || s.filename || s.url || s.id || '';
        const href = s.type === 'url' ? webUrl(s.url) : null;
        return html`<li>${href ? html`<a href=${href} target="_blank" rel="noopener noreferrer nofollow">${label}</a>` : label}</li>`;
      })}
    </ol>
  </div>`;
}

function task(t: Task) {
  const state = t.status_indicator === 'loading' ? '…' : t.status_indicator === 'complete' ? '✓' : '';
  const title = t.title ?? (t.queries?.length ? t.queries.join(', ') : '');
  return html`<div class="task" data-task-type=${t.type ?? ''}>
    <span class="state" aria-hidden="true">${state}</span>
    <span>${title ? html`<strong>${title}</strong> ` : nothing}${t.content ?? ''}</span>
  </div>`;
}

function workflow(item: ChatKitItem, t: ChatKitTranslate) {
  const w = (item.workflow ?? {}) as { tasks?: Task[]; summary?: { title?: string; duration?: number }; expanded?: boolean };
  const summary =
    w.summary?.title ?? (typeof w.summary?.duration === 'number' ? t('ck.thought', { seconds: w.summary.duration }) : t('ck.workflow'));
  return html`<details class="workflow" ?open=${w.expanded === true}>
    <summary>${summary}</summary>
    ${(w.tasks ?? []).map(task)}
  </details>`;
}

function userMessage(item: ChatKitItem, t: ChatKitTranslate) {
  const parts = (item.content ?? []) as Array<{ type?: string; text?: string }>;
  const text = parts.map((p) => (p.type === 'input_tag' ? `@${p.text ?? ''}` : (p.text ?? ''))).join(' ');
  const files = (item.attachments ?? []) as Array<{ id?: string; name?: string } | string>;
  return html`<div class="bubble">
    ${item.quoted_text ? html`<div class="quote">${t('ck.quote', { text: String(item.quoted_text) })}</div>` : nothing}
    <div class="content">${text}</div>
    ${files.length ? html`<div class="meta">${files.map((f) => (typeof f === 'string' ? f : (f.name ?? f.id ?? ''))).join(', ')}</div>` : nothing}
  </div>`;
}

function answerActions(item: ChatKitItem, userId: string | undefined, c: ItemContext) {
  const given = c.feedback.get(item.id);
  const button = (kind: 'positive' | 'negative', label: string, glyph: string) =>
    html`<button type="button" aria-label=${label} title=${label} aria-pressed=${given === kind ? 'true' : 'false'} ?disabled=${given !== undefined}
      @click=${() => c.onFeedback(item.id, kind)}>${glyph}</button>`;
  return html`<div class="item-actions">
    ${button('positive', c.t('ck.feedbackUp'), '▲')} ${button('negative', c.t('ck.feedbackDown'), '▼')}
    ${userId ? html`<button type="button" aria-label=${c.t('ck.retryLabel')} ?disabled=${c.busy} @click=${() => c.onRetry(userId)}>${c.t('ck.retry')}</button>` : nothing}
    ${given ? html`<span class="meta" role="status">${c.t('ck.feedbackThanks')}</span>` : nothing}
  </div>`;
}

/** One item; `userId` is the user message it answers (for retry), when it is an answer. */
export function renderItem(item: ChatKitItem, userId: string | undefined, c: ItemContext): TemplateResult | typeof nothing {
  const streaming = c.open.has(item.id);
  const attrs = (kind: string, body: unknown) =>
    html`<div class="item ${kind} ${item.pending ? 'pending' : ''} ${streaming ? 'streaming' : ''}" role="listitem" data-item-id=${item.pending ? nothing : item.id}
      data-item-type=${item.type} aria-busy=${streaming ? 'true' : 'false'}>${body}</div>`;
  switch (item.type) {
    case 'user_message':
      return attrs('user', userMessage(item, c.t));
    case 'assistant_message': {
      const parts = (item.content ?? []) as Part[];
      return attrs(
        'assistant',
        html`<div class="bubble">
            <span class="sr-only">${c.t('ck.assistant')}</span>
            <div class="content">${markdown(parts.map((p) => p.text ?? '').join(''))}</div>
            ${sources(parts, c.t)}
          </div>
          ${streaming || item.pending ? nothing : answerActions(item, userId, c)}`,
      );
    }
    case 'widget':
      return attrs(
        'widget',
        html`<parley-widget .widget=${item.widget as WidgetNode} item-id=${item.id} theme=${c.theme}></parley-widget>`,
      );
    case 'client_tool_call':
      return attrs(
        'tool',
        html`<div class="meta">${c.t('ck.toolCall', { name: String(item.name ?? '') })}: ${item.status === 'completed' ? c.t('ck.toolDone') : c.t('ck.toolPending')}</div>`,
      );
    case 'workflow':
      return attrs('workflow', workflow(item, c.t));
    case 'task':
      return attrs('task', task((item.task ?? {}) as Task));
    case 'generated_image': {
      const src = webUrl((item.image as { url?: string } | undefined)?.url);
      return src ? attrs('image', html`<img src=${src} alt=${c.t('ck.image')} />`) : nothing;
    }
    default:
      // end_of_turn, hidden context and unknown item types show nothing.
      return nothing;
  }
}

/** For each answer, the user message before it (what retry re-runs). */
export function answeredBy(items: readonly ChatKitItem[]): Map<string, string> {
  const out = new Map<string, string>();
  let user: string | undefined;
  for (const i of items) {
    if (i.type === 'user_message' && !i.pending) user = i.id;
    else if (user) out.set(i.id, user);
  }
  return out;
}
