/**
 * @module agent-activity: what the agents of the open dialog are doing, from the client's `agent.*` events: the
 * runs answering now (for the stop button and progress lines), errors to show, the ChatKit items of stored
 * agent messages (so a widget renders as a widget), and client tool calls for the host to answer (client-tools.ts).
 * Pending items themselves live in the client's store.
 */
import { selectAgentItems, type Message, type ParleyClient } from '@parley/client';
import type { PendingAgentItem, ThreadItem } from '@parley/protocol';
import { marked } from 'marked';
import type { WidgetActionDetail } from './widgets/types.js';
import type { ParleyWidget } from './widgets/widget.js';
import { ClientTools, type ClientToolHandler } from './client-tools.js';

export interface AgentRun {
  agent?: string;
  progress?: string;
}

export interface AgentProblem {
  runId: string;
  agent?: string;
  text: string;
}

/** The text of an assistant message as HTML (markdown; the caller sanitizes). */
export function itemHtml(item: ThreadItem): string {
  if (item.type !== 'assistant_message') return '';
  return marked.parse(item.content.map((c) => c.text).join(''), { async: false }) as string;
}

/** What the thread is told by, and lends to, the activity of its dialog's agents. */
export interface AgentHooks {
  /** Something shown changed: re-render. */
  changed(): void;
  fail(err: unknown): void;
  /** A finished item becomes a message at once, so the stream and the message never both show (or neither). */
  finished(message: Message): void;
  /** The host page's answer to client tool calls, if it gave one. */
  clientTool(): ClientToolHandler | undefined;
}

export class AgentActivity {
  /** Runs of this dialog that started and did not finish yet. */
  readonly runs = new Map<string, AgentRun>();
  problems: AgentProblem[] = [];
  /** message id → its ChatKit item, for agent messages (stored or just finished). */
  readonly items = new Map<string, ThreadItem>();
  /** The dialog's agent when it has exactly one: the sender of a reply whose start this element did not see. */
  soleAgent: string | undefined;
  /** The client tool calls this element answers. */
  readonly tools: ClientTools;
  private offs: (() => void)[] = [];
  private readonly changed: () => void;
  private readonly fail: (err: unknown) => void;

  constructor(
    private readonly client: ParleyClient,
    private readonly dialogId: string,
    hooks: AgentHooks,
  ) {
    this.changed = () => hooks.changed();
    this.fail = (err) => hooks.fail(err);
    this.tools = new ClientTools(client, dialogId, () => hooks.clientTool(), this.fail);
    const mine = (e: { dialog_id: string }) => e.dialog_id === dialogId;
    const run = (id: string) => this.runs.get(id) ?? this.runs.set(id, {}).get(id)!;
    this.offs.push(
      client.on('agent.run.started', (e) => {
        if (!mine(e)) return;
        run(e.run_id).agent = e.agent_user_id;
        this.tools.runStarted(e.run_id, e.reply_to_id);
        this.changed();
      }),
      client.on('agent.item.added', (e) => {
        if (!mine(e)) return;
        run(e.run_id).progress = undefined;
        this.changed();
      }),
      client.on('agent.item.updated', (e) => {
        if (mine(e)) this.changed();
      }),
      client.on('agent.item.partial', (e) => {
        if (mine(e)) this.changed();
      }),
      client.on('agent.signal', (e) => {
        if (!mine(e)) return;
        if (e.event.type === 'progress_update') run(e.run_id).progress = e.event.text;
        else if (e.event.type === 'notice' && e.event.level !== 'info') this.problem(e.run_id, e.event.message);
        this.changed();
      }),
      client.on('agent.error', (e) => {
        if (!mine(e)) return;
        this.problem(e.run_id, e.message ?? '');
        this.changed();
      }),
      client.on('agent.run.finished', (e) => {
        if (!mine(e)) return;
        this.runs.delete(e.run_id);
        this.changed();
      }),
      client.on('agent.item.done', (e) => {
        if (!mine(e)) return;
        this.items.set(e.item.id, e.item);
        const sender = this.runs.get(e.run_id)?.agent ?? this.soleAgent;
        if (sender) hooks.finished(this.asMessage(e.item, sender));
        this.tools.itemDone(e.run_id, e.item);
        this.changed();
      }),
      client.on('agent.item.replaced', (e) => {
        if (!mine(e)) return;
        this.items.set(e.item.id, e.item);
        this.changed();
      }),
    );
  }

  close(): void {
    for (const off of this.offs) off();
    this.offs = [];
    this.tools.close();
  }

  private problem(runId: string, text: string): void {
    this.problems = [...this.problems, { runId, agent: this.runs.get(runId)?.agent, text }];
  }

  dismiss(problem: AgentProblem): void {
    this.problems = this.problems.filter((p) => p !== problem);
    this.changed();
  }

  /** The replies streaming in this dialog now (the store's pending items, also those that began before we opened). */
  get pending(): PendingAgentItem[] {
    return selectAgentItems(this.client.state.get(), this.dialogId);
  }

  /** Whether a reply is running, so the stop button shows. */
  get active(): boolean {
    return this.runs.size > 0 || this.pending.length > 0;
  }

  agentOf(runId: string): string | undefined {
    return this.runs.get(runId)?.agent ?? this.soleAgent;
  }

  /** Reads the ChatKit items of the newest agent messages (widgets render from them). */
  async load(messages: Message[], limit: number): Promise<void> {
    if (!messages.some((m) => m.sender_id?.startsWith('agent:'))) return;
    const items = await this.client.agents.items(this.dialogId, Math.min(100, limit));
    for (const item of items) if (!this.items.has(item.id)) this.items.set(item.id, item);
    this.changed();
  }

  /**
   * A widget's action in the thread: a server action goes to the server, which authorizes and runs it (the
   * replaced widget and any reply also arrive as events, for every participant); a client action is only the host
   * page's (the event bubbles on to it). The widget shows busy until then.
   */
  async onWidgetAction(e: CustomEvent<WidgetActionDetail>): Promise<void> {
    const widget = e.target as ParleyWidget;
    const { action, itemId } = e.detail;
    try {
      if (!itemId || action.handler === 'client') return;
      const payload = typeof action.payload === 'object' && action.payload !== null ? (action.payload as Record<string, unknown>) : {};
      const updated = await this.client.agents.action(this.dialogId, itemId, { type: action.type, payload });
      if (updated) {
        this.items.set(updated.id, updated);
        this.changed();
      }
    } catch (err) {
      this.fail(err);
    } finally {
      widget.done?.();
    }
  }

  /** Stops the dialog's agent replies (the stop button). */
  stop(): void {
    this.client.agents.cancel(this.dialogId).catch(this.fail);
  }

  private asMessage(item: ThreadItem, sender: string): Message {
    const content = item.type === 'assistant_message' ? itemHtml(item) : item.type === 'widget' ? (item.copy_text ?? '') : '';
    return {
      id: item.id,
      dialog_id: this.dialogId,
      sender_id: sender,
      content,
      sent_at: item.created_at,
      last_edited_at: null,
      reply_to_id: null,
      message_type: 'user',
      attachments: [],
    };
  }
}
