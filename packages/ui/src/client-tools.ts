/**
 * @module client-tools: answers an agent's client tool calls with the host page's `onClientTool` (docs/ui.md). Only
 * the element that started the reply answers: the reply is to a message it sent, or it follows a tool output it
 * sent; other devices and other participants only show the call. The answer goes back as
 * `threads.add_client_tool_output`, and the agent goes on.
 */
import type { ParleyClient } from '@parley/client';
import type { ThreadItem } from '@parley/protocol';

/** What the host's handler is given. */
export interface ClientToolCall {
  dialogId: string;
  /** The call's item (its message id). */
  itemId: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** Returns the tool's result (any JSON); a throw is answered as `{ error: message }` so the agent can go on. */
export type ClientToolHandler = (call: ClientToolCall) => unknown;

type ToolCallItem = Extract<ThreadItem, { type: 'client_tool_call' }>;

export class ClientTools {
  /** Messages this element sent: a reply to one of them is this element's to serve. */
  private readonly sent = new Set<string>();
  /** Runs this element serves. */
  private readonly ours = new Set<string>();
  /** run id → the message it answers. */
  private readonly replyTo = new Map<string, string>();
  /** Calls whose run answers a message not known (yet) to be this element's: the send may still be returning. */
  private readonly waiting: { runId: string; item: ToolCallItem }[] = [];
  /** Tool outputs on their way: the run one of them starts is this element's too. */
  private outputs = 0;
  private closed = false;

  constructor(
    private readonly client: ParleyClient,
    private readonly dialogId: string,
    private readonly handler: () => ClientToolHandler | undefined,
    private readonly fail: (err: unknown) => void,
  ) {}

  close(): void {
    this.closed = true;
    this.waiting.length = 0;
  }

  /** A message this element sent was stored. */
  sentMessage(id: string): void {
    this.sent.add(id);
    for (const w of this.waiting.splice(0)) this.itemDone(w.runId, w.item);
  }

  runStarted(runId: string, replyTo: string | undefined): void {
    if (replyTo) this.replyTo.set(runId, replyTo);
    else if (this.outputs > 0) this.ours.add(runId);
  }

  /** A finished item of a run: a pending client tool call of a run of ours is answered. */
  itemDone(runId: string, item: ThreadItem): void {
    if (item.type !== 'client_tool_call' || item.status !== 'pending' || this.closed) return;
    const answering = this.replyTo.get(runId);
    if (this.ours.has(runId) || (answering && this.sent.has(answering))) void this.answer(item);
    else if (answering) this.waiting.push({ runId, item });
  }

  private async answer(item: ToolCallItem): Promise<void> {
    const handler = this.handler();
    if (!handler) return;
    let result: unknown;
    try {
      result = await handler({ dialogId: this.dialogId, itemId: item.id, name: item.name, arguments: item.arguments });
    } catch (err) {
      result = { error: err instanceof Error ? err.message : String(err) };
    }
    if (this.closed) return;
    this.outputs++;
    try {
      await this.client.agents.toolOutput(this.dialogId, result ?? null);
    } catch (err) {
      this.fail(err);
    } finally {
      this.outputs--;
    }
  }
}
