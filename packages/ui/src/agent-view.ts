/**
 * @module agent-view: how agent replies look in a thread: a reply growing as it streams, a widget item as a
 * native <parley-widget>, and the bar above the composer with progress, errors and the stop button.
 */
import { html, css, nothing } from 'lit';
import type { PendingAgentItem, ThreadItem } from '@parley/protocol';
import type { ChatSession } from './session.js';
import type { AgentActivity } from './agent-activity.js';
import { itemHtml } from './agent-activity.js';
import { safeHtml } from './sanitize.js';
import type { WidgetNode } from './widgets/types.js';

export const agentStyles = css`
  /* The cursor goes after the text so far (inside its last paragraph). */
  .msg.streaming .content > :last-child::after,
  .msg.streaming .content:empty::after {
    content: '▍';
    color: var(--_muted);
    animation: parley-blink 1s steps(2) infinite;
  }
  @keyframes parley-blink {
    50% {
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .msg.streaming .content > :last-child::after {
      animation: none;
    }
  }
  .bubble parley-widget {
    margin: 4px 0;
  }
  .agent-bar {
    display: flex;
    flex-direction: column;
    gap: 4px;
    padding: 4px 12px;
    border-top: 1px solid var(--_border);
    font-size: 13px;
  }
  .agent-row {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  .agent-row .grow {
    flex: 1;
    color: var(--_muted);
  }
  .agent-problem .grow {
    color: var(--_danger);
  }
`;

/** What a ChatKit item of an agent shows inside its bubble. */
export function renderItemBody(item: ThreadItem, session: ChatSession) {
  switch (item.type) {
    case 'assistant_message':
      return html`<div class="content">${safeHtml(itemHtml(item))}</div>`;
    case 'widget':
      return html`<parley-widget .widget=${item.widget as WidgetNode} item-id=${item.id} theme=${session.theme}></parley-widget>`;
    case 'client_tool_call':
      return html`<div class="content muted">${session.i18n.t('agent.tool', { name: item.name })}</div>`;
    default:
      return html`<div class="content"></div>`;
  }
}

/** A reply still streaming: its item so far, marked busy for assistive technology. */
export function renderStreaming(p: PendingAgentItem, sender: string | undefined, session: ChatSession) {
  const name = session.name(sender) || session.i18n.t('agent.thinking');
  return html`<div class="msg streaming" role="listitem" aria-busy="true" data-agent-item-id=${p.item.id} data-run-id=${p.run_id}>
    <div class="bubble">
      <div class="sender">${name}</div>
      ${renderItemBody(p.item, session)}
    </div>
  </div>`;
}

/** Above the composer: what the agents are doing (progress), what went wrong, and the stop button. */
export function renderAgentBar(activity: AgentActivity | undefined, session: ChatSession) {
  if (!activity) return nothing;
  const t = session.i18n.t;
  const running = [...activity.runs.values()];
  const active = activity.active;
  if (!active && activity.problems.length === 0) return nothing;
  const progress = running.find((r) => r.progress)?.progress;
  const agent = running.find((r) => r.agent)?.agent ?? activity.soleAgent;
  return html`<div class="agent-bar">
    ${activity.problems.map(
      (p) => html`<div class="agent-row agent-problem" role="alert">
        <span class="grow">${t(p.text ? 'agent.errorDetail' : 'agent.error', { name: session.name(p.agent ?? activity.soleAgent), message: p.text })}</span>
        <button @click=${() => activity.dismiss(p)}>${t('agent.dismiss')}</button>
      </div>`,
    )}
    ${
      active
        ? html`<div class="agent-row" role="status">
          <span class="grow">${progress ?? t('agent.replying', { name: session.name(agent) || t('agent.thinking') })}</span>
          <button class="agent-stop" @click=${() => activity.stop()} aria-label=${t('agent.stopLabel')}>${t('agent.stop')}</button>
        </div>`
        : nothing
    }
  </div>`;
}
