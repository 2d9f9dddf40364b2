/**
 * @module api/agents: what a person can do with the agents of a dialog (docs/agents.md, docs/chatkit.md): stop
 * their replies, read their stored ChatKit items (widgets), send a widget's action for the server to authorize,
 * and answer an agent's client tool call.
 */
import type { ThreadItem } from '@parley/protocol';
import type { Http } from './http.js';

/** A widget action as `<parley-widget>` emits it and ChatKit sends it. */
export interface WidgetAction {
  type: string;
  payload?: Record<string, unknown>;
}

export class AgentsApi {
  constructor(private readonly http: Http) {}

  /** Stops the dialog's queued and running agent replies (or only `runId`); returns the runs cancelled. */
  async cancel(dialogId: string, runId?: string): Promise<string[]> {
    const body = runId ? { run_id: runId } : {};
    const res = await this.http.data<{ cancelled: string[] }>({
      method: 'POST',
      path: `/api/v1/dialogs/${encodeURIComponent(dialogId)}/agent-runs/cancel`,
      body,
    });
    return res.cancelled;
  }

  /** The dialog's newest ChatKit items (the agents' messages in their ChatKit shape), newest first. */
  items(dialogId: string, limit = 50, signal?: AbortSignal): Promise<ThreadItem[]> {
    return this.http.data({
      method: 'POST',
      path: '/chatkit',
      body: { type: 'items.list', params: { thread_id: dialogId, limit, order: 'desc' } },
      signal,
    });
  }

  /**
   * Sends a widget's action on the agent item `itemId`; the server checks the item is a widget of this dialog's
   * agents, runs the agent's action handler and answers once it finished, with the replaced widget if any.
   */
  async action(dialogId: string, itemId: string, action: WidgetAction, timeoutMs = 130_000): Promise<ThreadItem | undefined> {
    const res = await this.http.request<{ updated_item?: ThreadItem }>({
      method: 'POST',
      path: '/chatkit',
      body: { type: 'threads.sync_custom_action', params: { thread_id: dialogId, item_id: itemId, action: { payload: {}, ...action } } },
      timeoutMs,
    });
    return res?.updated_item;
  }

  /**
   * Answers the dialog's pending client tool call with `result` (ChatKit's `threads.add_client_tool_output`); the
   * agent then goes on. Resolves once that reply finished: its stream is read to the end, since leaving it would
   * cancel the reply; the reply itself arrives as `agent.*` events like any other.
   */
  async toolOutput(dialogId: string, result: unknown, timeoutMs = 130_000): Promise<void> {
    await this.http.request<string | undefined>({
      method: 'POST',
      path: '/chatkit',
      body: { type: 'threads.add_client_tool_output', params: { thread_id: dialogId, result } },
      readAs: 'text',
      timeoutMs,
    });
  }
}
