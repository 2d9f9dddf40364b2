/**
 * @module agents/writer: turns what an agent streams into Parley's state and events. Every event is checked
 * against the run's pending items as it arrives (push); the resulting writes are batched into transactions in
 * arrival order (the events go to the log, so WebSocket, SSE, resume and other instances all see them). A
 * finished item becomes a message of `agent:<id>` (and a `message.new` for MTChat clients) in one transaction;
 * the pending items are kept on the run row for connections that open mid-stream.
 */
import { sql, type Transaction } from 'kysely';
import { AgentStreamEvent, applyItemUpdate, type ThreadItem } from '@parley/protocol';
import type { LoggedEvent } from '../events/outbox.js';
import type { Database } from '../adapters/db/index.js';
import { unarchiveAll } from '../actions/messages.js';
import { inTransaction, type ActionTx } from '../actions/transaction.js';
import type { Services } from '../context.js';
import { completeJob, type ClaimedJob } from '../jobs/queue.js';
import { newId, timestamp } from '../wire.js';
import { AgentFailure } from './kinds/types.js';
import { messageRecord } from '../queries/message-record.js';
import { itemFallbackHtml } from './render.js';
import { enqueueAgentRuns } from './triggers.js';

export interface RunRef {
  id: string;
  dialog_id: string;
  agent_id: string;
}

type Op =
  | { kind: 'start'; replyTo: string | null }
  | { kind: 'emit'; event: LoggedEvent }
  | { kind: 'store'; item: ThreadItem }
  | { kind: 'replace'; item: ThreadItem }
  | { kind: 'delete'; id: string };

export type RunStatus = 'completed' | 'failed' | 'cancelled';

/** Items that are only UI hints are announced but never stored as messages. */
const UNSTORED = new Set(['end_of_turn']);

export class RunWriter {
  /** The agent's item ids → Parley's. */
  private readonly ids = new Map<string, string>();
  private readonly pending = new Map<string, ThreadItem>();
  private ops: Op[] = [];
  private flushing?: Promise<void>;
  private failure?: unknown;
  /** Set when the agent streamed an `error` event. */
  agentError?: { code: string; message?: string; allow_retry: boolean };
  stored = 0;

  constructor(
    private readonly svc: Services,
    private readonly run: RunRef,
    /** Items pending from an earlier attempt (a run taken over after a crash). */
    inherited: ThreadItem[] = [],
  ) {
    for (const item of inherited) this.pending.set(item.id, item);
  }

  /** True while an item was announced but not finished. */
  get hasPending(): boolean {
    return this.pending.size > 0;
  }

  get agentUser(): string {
    return `agent:${this.run.agent_id}`;
  }

  private base() {
    return { dialog_id: this.run.dialog_id, run_id: this.run.id };
  }

  /** Checks one raw event from the agent and queues its writes; throws AgentFailure when it does not fit. */
  async push(raw: unknown): Promise<'continue' | 'stop'> {
    if (this.failure) throw this.failure;
    const parsed = AgentStreamEvent.safeParse(raw);
    if (!parsed.success) {
      const type = typeof raw === 'object' && raw !== null ? String((raw as { type?: unknown }).type) : typeof raw;
      throw new AgentFailure(
        `invalid event from agent (${type}): ${parsed.error.issues[0]?.message ?? 'bad shape'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`,
      );
    }
    const ev = parsed.data;
    const own = (item: ThreadItem, id: string, createdAt?: string): ThreadItem =>
      ({ ...item, id, thread_id: this.run.dialog_id, created_at: createdAt ?? timestamp(this.svc.now()) }) as ThreadItem;
    switch (ev.type) {
      case 'thread.item.added': {
        if (this.ids.has(ev.item.id)) throw new AgentFailure(`item ${ev.item.id} added twice`);
        const id = newId();
        this.ids.set(ev.item.id, id);
        const item = own(ev.item, id);
        this.pending.set(id, item);
        this.queue({ kind: 'emit', event: { type: 'agent.item.added', ...this.base(), item } });
        return 'continue';
      }
      case 'thread.item.updated': {
        const id = this.ids.get(ev.item_id);
        const item = id === undefined ? undefined : this.pending.get(id);
        if (!id || !item) throw new AgentFailure(`update for item ${ev.item_id}, which is not pending`);
        try {
          this.pending.set(id, applyItemUpdate(item, ev.update));
        } catch (err) {
          throw new AgentFailure((err as Error).message);
        }
        this.queue({ kind: 'emit', event: { type: 'agent.item.updated', ...this.base(), item_id: id, update: ev.update } });
        return 'continue';
      }
      case 'thread.item.done': {
        const known = this.ids.get(ev.item.id);
        if (known !== undefined && !this.pending.has(known)) throw new AgentFailure(`item ${ev.item.id} finished twice`);
        const id = known ?? newId();
        this.ids.set(ev.item.id, id);
        const before = this.pending.get(id);
        this.pending.delete(id);
        const item = own(ev.item, id, before?.created_at);
        if (UNSTORED.has(item.type)) this.queue({ kind: 'emit', event: { type: 'agent.item.done', ...this.base(), item } });
        else this.queue({ kind: 'store', item });
        return 'continue';
      }
      case 'thread.item.replaced': {
        const id = this.ids.get(ev.item.id) ?? ev.item.id;
        if (this.pending.has(id)) throw new AgentFailure(`replaced item ${ev.item.id} is still pending`);
        if (!(await this.isOwnStoredItem(id)))
          throw new AgentFailure(`replaced item ${ev.item.id} is not an item of this agent in this thread`);
        this.queue({ kind: 'replace', item: own(ev.item, id) });
        return 'continue';
      }
      case 'thread.item.removed': {
        const id = this.ids.get(ev.item_id) ?? ev.item_id;
        if (this.pending.delete(id)) {
          this.queue({ kind: 'emit', event: { type: 'agent.item.removed', ...this.base(), item_id: id } });
        } else if (await this.isOwnStoredItem(id)) {
          this.queue({ kind: 'delete', id });
        } else throw new AgentFailure(`removed item ${ev.item_id} is not an item of this agent in this thread`);
        return 'continue';
      }
      case 'error':
        this.agentError = { code: ev.code, message: ev.message, allow_retry: ev.allow_retry };
        return 'stop';
      case 'progress_update':
      case 'client_effect':
      case 'notice':
        // Transient: relayed to the participants and ChatKit streams, never stored as an item.
        this.queue({ kind: 'emit', event: { type: 'agent.signal', ...this.base(), event: ev } });
        return 'continue';
      default:
        // stream_options: the ChatKit endpoint sends its own.
        return 'continue';
    }
  }

  private async isOwnStoredItem(id: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return false;
    const row = await this.svc.db.kysely
      .selectFrom('messages')
      .select('id')
      .where('id', '=', id)
      .where('dialog_id', '=', this.run.dialog_id)
      .where('sender_id', '=', this.agentUser)
      .executeTakeFirst();
    return row !== undefined;
  }

  private queue(op: Op): void {
    this.ops.push(op);
    this.flushing ??= this.flushLoop();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.ops.length > 0 && !this.failure) {
        const batch = this.ops;
        this.ops = [];
        await inTransaction(this.svc, async (tx) => {
          for (const op of batch) await this.apply(tx, op);
          await this.savePartial(tx.trx);
        });
      }
    } catch (err) {
      this.failure = err;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Waits until everything pushed so far is committed; throws what a write threw. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.failure) throw this.failure;
  }

  private async savePartial(trx: Transaction<Database>): Promise<void> {
    const items = [...this.pending.values()];
    await trx
      .updateTable('agent_runs')
      .set({ partial: items.length > 0 ? JSON.stringify({ items }) : null })
      .where('id', '=', this.run.id)
      .execute();
  }

  private async apply(tx: ActionTx, op: Op): Promise<void> {
    switch (op.kind) {
      case 'start':
        await tx.trx
          .updateTable('agent_runs')
          .set({ status: 'running', started_at: sql`coalesce(started_at, ${tx.now})` as never })
          .where('id', '=', this.run.id)
          .execute();
        tx.emit({
          type: 'agent.run.started',
          ...this.base(),
          agent_user_id: this.agentUser,
          ...(op.replyTo ? { reply_to_id: op.replyTo } : {}),
        });
        return;
      case 'emit':
        tx.emit(op.event);
        return;
      case 'store':
        await this.store(tx, op.item);
        return;
      case 'replace': {
        const content = itemFallbackHtml(op.item);
        const row = await tx.trx
          .updateTable('messages')
          .set({ content, last_edited_at: tx.now })
          .where('id', '=', op.item.id)
          .where('dialog_id', '=', this.run.dialog_id)
          .returning('id')
          .executeTakeFirst();
        if (!row) return; // deleted meanwhile
        await tx.trx
          .updateTable('agent_items')
          .set({ item: JSON.stringify(op.item), item_type: op.item.type })
          .where('message_id', '=', op.item.id)
          .execute();
        tx.emit({ type: 'agent.item.replaced', ...this.base(), item: op.item });
        tx.emit({ type: 'message.edited', id: op.item.id, dialog_id: this.run.dialog_id, content, last_edited_at: timestamp(tx.now) });
        return;
      }
      case 'delete': {
        const gone = await tx.trx
          .deleteFrom('messages')
          .where('id', '=', op.id)
          .where('dialog_id', '=', this.run.dialog_id)
          .executeTakeFirst();
        if (Number(gone.numDeletedRows) === 0) return;
        tx.emit({ type: 'agent.item.removed', ...this.base(), item_id: op.id });
        tx.emit({ type: 'message.deleted', id: op.id, dialog_id: this.run.dialog_id });
        return;
      }
    }
  }

  /** A finished item becomes a message of the agent: both faces, one transaction. */
  private async store(tx: ActionTx, item: ThreadItem): Promise<void> {
    const dialog = await tx.trx
      .selectFrom('dialogs')
      .select(['message_seq', 'object_id', 'object_type'])
      .where('id', '=', this.run.dialog_id)
      .forUpdate()
      .executeTakeFirst();
    if (!dialog) throw new DialogGone();
    const seq = Number(dialog.message_seq) + 1;
    const content = itemFallbackHtml(item);
    const row = await tx.trx
      .insertInto('messages')
      .values({
        id: item.id,
        dialog_id: this.run.dialog_id,
        sender_id: this.agentUser,
        content,
        sent_at: tx.now,
        last_edited_at: null,
        reply_to_id: null,
        message_type: 'user',
        seq,
        client_message_id: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx.trx
      .insertInto('agent_items')
      .values({ message_id: item.id, dialog_id: this.run.dialog_id, run_id: this.run.id, item_type: item.type, item: JSON.stringify(item) })
      .execute();
    await tx.trx
      .updateTable('dialogs')
      .set({ message_seq: seq, last_message_id: item.id, last_message_at: tx.now })
      .where('id', '=', this.run.dialog_id)
      .execute();
    await unarchiveAll(tx, this.run.dialog_id);
    await tx.trx
      .updateTable('dialog_participants')
      .set({ read_seq: seq, last_read_message_id: item.id })
      .where('dialog_id', '=', this.run.dialog_id)
      .where('user_id', '=', this.agentUser)
      .execute();
    tx.emit({ type: 'agent.item.done', ...this.base(), item });
    // The same rich record as a person's message (queries/message-record.ts): frames and webhooks project it.
    tx.emit(messageRecord(row, dialog));
    // Every new message goes past the triggers; they let no agent answer an agent (agents/triggers.ts).
    await enqueueAgentRuns(tx, { id: item.id, dialog_id: this.run.dialog_id, sender_id: this.agentUser, content, message_type: 'user' });
    this.stored += 1;
  }

  /**
   * Ends the run in one transaction with the job's completion: pending items are withdrawn (on cancel, a
   * started assistant message is kept as it stands), an error event when the run failed, then
   * `agent.run.finished`. Throws LeaseLost when another instance has taken the run over.
   */
  async finish(
    job: ClaimedJob | undefined,
    status: RunStatus,
    error?: { code: string; message?: string; allow_retry: boolean; log?: string },
  ): Promise<void> {
    await inTransaction(this.svc, async (tx) => {
      const dialog = await tx.trx.selectFrom('dialogs').select('id').where('id', '=', this.run.dialog_id).executeTakeFirst();
      if (dialog) {
        for (const item of this.pending.values()) {
          const keep = status === 'cancelled' && item.type === 'assistant_message' && item.content.some((c) => c.text.length > 0);
          if (keep) await this.store(tx, item);
          else tx.emit({ type: 'agent.item.removed', ...this.base(), item_id: item.id });
        }
        if (error) {
          tx.emit({
            type: 'agent.error',
            ...this.base(),
            code: error.code,
            allow_retry: error.allow_retry,
            ...(error.message ? { message: error.message } : {}),
          });
        }
        tx.emit({ type: 'agent.run.finished', ...this.base(), status });
      }
      this.pending.clear();
      await tx.trx
        .updateTable('agent_runs')
        .set({ status, partial: null, finished_at: tx.now, error: error?.log ?? error?.code ?? null })
        .where('id', '=', this.run.id)
        .execute();
      if (job) await completeJob(tx.trx, job);
    });
  }

  /**
   * Marks the run started and tells the dialog. Queued like the agent's events: it commits at once, and the
   * agent's first events join it when they come quickly (one transaction fewer per run).
   */
  start(replyTo: string | null): void {
    this.queue({ kind: 'start', replyTo });
  }
}

/** The dialog was deleted while its agent ran. */
export class DialogGone extends Error {
  override name = 'DialogGone';
}
