/**
 * @module chatkit/actions: the writes behind ChatKit's requests. Each validates, authorizes and loads what it
 * needs, writes in one transaction and returns what the stream must say before the agent's own events (the
 * prelude) and the runs to follow. Nothing here writes a byte of the response: a failure is an HTTP error.
 */
import { sql } from 'kysely';
import { agentUserId, isAgentUserId, type ThreadItem, type UserMessageInput } from '@parley/protocol';
import { createDialog, deleteDialog } from '../actions/dialogs.js';
import { sendMessage } from '../actions/messages.js';
import type { SealedAttachment } from '../actions/uploads.js';
import { inTransaction, type ActionTx } from '../actions/transaction.js';
import { loadAgent } from '../agents/registry.js';
import { itemFallbackHtml } from '../agents/render.js';
import { enqueueAgentRuns, queuedRunRow, queueRun } from '../agents/triggers.js';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import type { FileLinks } from '../queries/attachments.js';
import type { Actor } from '../security/identity.js';
import { escapeText } from '../security/html-escape.js';
import { newId, timestamp } from '../wire.js';
import { bindToThread, sealForMessage } from './attachments.js';
import { authorizeTags } from './entity-tags.js';
import { logHead, type ChatKitEvent } from './follow.js';
import { accessThread, itemsPage, loadItem, threadWire } from './threads.js';

export interface StreamPlan {
  dialogId: string;
  /** Follow the log from here. */
  cursor: number;
  /** What the stream says first (thread.created, the user's item, stream_options, removals). */
  prelude: ChatKitEvent[];
  runIds: string[];
}

const STREAM_OPTIONS: ChatKitEvent = { type: 'stream_options', stream_options: { allow_cancel: true } };

/** The Chat API face of a ChatKit user message: its text (tags as @mentions) as safe HTML. */
function messageHtml(input: UserMessageInput): string {
  const text = input.content.map((c) => (c.type === 'input_text' ? c.text : `@${c.text}`)).join('');
  const body = escapeText(text.trim() || '…').replace(/\n/g, '<br>');
  return `<p>${body}</p>`;
}

/** The thread's agents (`agent:<id>`). */
async function threadAgents(svc: Services, dialogId: string): Promise<Set<string>> {
  const rows = await svc.db.kysely
    .selectFrom('dialog_participants')
    .select('user_id')
    .where('dialog_id', '=', dialogId)
    .where('user_id', 'like', 'agent:%')
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/**
 * Adds a person's ChatKit message to a thread (a normal Chat API message) and returns its item and runs. Its
 * tags are re-authorized (chatkit/entity-tags) and its attachments, already sealed, bound to the thread.
 */
async function addUserMessage(
  svc: Services,
  actor: Actor,
  dialogId: string,
  input: UserMessageInput,
  sealed: readonly SealedAttachment[],
  links: FileLinks,
) {
  const mentioned = authorizeTags(input, actor.userId, await threadAgents(svc, dialogId), svc.config.agents.chatkitEntitySecret);
  const attachments = await bindToThread(svc, actor, dialogId, sealed, links);
  const item = {
    type: 'user_message',
    content: input.content,
    attachments,
    ...(input.quoted_text ? { quoted_text: input.quoted_text } : {}),
    inference_options: input.inference_options,
  };
  const message = await sendMessage(svc, actor, dialogId, { content: messageHtml(input), attachments: [] }, { item, mentioned, sealed });
  const runs = await svc.db.kysely
    .selectFrom('agent_runs')
    .select('id')
    .where('trigger_message_id', '=', message.id)
    .orderBy('agent_id')
    .execute();
  const userItem = { ...item, id: message.id, thread_id: dialogId, created_at: message.sent_at };
  return { userItem, runIds: runs.map((r) => r.id) };
}

export async function createThread(svc: Services, actor: Actor, input: UserMessageInput, links: FileLinks): Promise<StreamPlan> {
  const agentId = actor.chatkit?.agent_id ?? svc.config.agents.chatkitDefaultAgent;
  if (!agentId)
    throw new AppError('BAD_REQUEST', 'No agent for new threads: mint the token with chatkit.agent_id or set CHATKIT_DEFAULT_AGENT');
  if (!(await loadAgent(svc.db.kysely, agentId))) throw new AppError('BAD_REQUEST', `Unknown agent: ${agentId}`);
  // The tags and attachments are checked before the thread exists, so a refused message leaves no empty thread.
  authorizeTags(input, actor.userId, new Set([agentUserId(agentId)]), svc.config.agents.chatkitEntitySecret);
  const sealed = await sealForMessage(svc, actor, input.attachments, null);
  const cursor = await logHead(svc);
  const id = newId();
  const dialog = await createDialog(
    svc,
    {
      object_id: id,
      object_type: actor.chatkit?.object_type ?? 'chatkit',
      title: null,
      participants: [
        { user_id: actor.userId, display_name: actor.profile?.display_name ?? actor.userId, company: actor.profile?.company },
        { user_id: agentUserId(agentId) },
      ],
      access_scopes: [],
    },
    { id },
  );
  const { userItem, runIds } = await addUserMessage(svc, actor, id, input, sealed, links);
  const thread = threadWire({ id, title: null, created_at: dialog.created_at });
  return {
    dialogId: id,
    cursor,
    prelude: [{ type: 'thread.created', thread }, { type: 'thread.item.done', item: userItem }, STREAM_OPTIONS],
    runIds,
  };
}

export async function addMessage(
  svc: Services,
  actor: Actor,
  threadId: string,
  input: UserMessageInput,
  links: FileLinks,
): Promise<StreamPlan> {
  const dialog = await accessThread(svc.db.kysely, actor, threadId);
  const sealed = await sealForMessage(svc, actor, input.attachments, dialog.id);
  const cursor = await logHead(svc);
  const { userItem, runIds } = await addUserMessage(svc, actor, dialog.id, input, sealed, links);
  return { dialogId: dialog.id, cursor, prelude: [{ type: 'thread.item.done', item: userItem }, STREAM_OPTIONS], runIds };
}

/** Queues a run that is not an answer to a message (after a tool output, a structured input or an action). */
async function queueAgentRun(
  tx: ActionTx,
  dialogId: string,
  agentId: string,
  kind: 'respond' | 'action',
  input: Record<string, unknown>,
): Promise<string> {
  const runId = newId();
  await tx.trx
    .insertInto('agent_runs')
    .values(queuedRunRow(tx, { id: runId, dialogId, agentId, kind, triggerMessageId: null, input }))
    .execute();
  await queueRun(tx, { run_id: runId, dialog_id: dialogId });
  return runId;
}

/** The agent behind an item: it must be an agent that still takes part in the thread. */
async function agentOf(tx: ActionTx, dialogId: string, sender: string | null): Promise<string> {
  if (!sender || !isAgentUserId(sender)) throw new AppError('CONFLICT', 'This item was not sent by an agent');
  const member = await tx.trx
    .selectFrom('dialog_participants')
    .select('user_id')
    .where('dialog_id', '=', dialogId)
    .where('user_id', '=', sender)
    .executeTakeFirst();
  if (!member) throw new AppError('CONFLICT', 'The agent of this item no longer takes part in the thread');
  return sender.slice('agent:'.length);
}

/** Replaces a stored item (both faces) and tells the dialog. */
async function replaceItem(tx: ActionTx, dialogId: string, item: ThreadItem, runId: string | null): Promise<void> {
  const content = itemFallbackHtml(item);
  await tx.trx.updateTable('messages').set({ content, last_edited_at: tx.now }).where('id', '=', item.id).execute();
  await tx.trx
    .updateTable('agent_items')
    .set({ item: JSON.stringify(item), item_type: item.type })
    .where('message_id', '=', item.id)
    .execute();
  tx.emit({ type: 'message.edited', id: item.id, dialog_id: dialogId, content, last_edited_at: timestamp(tx.now) });
  if (runId) tx.emit({ type: 'agent.item.replaced', dialog_id: dialogId, run_id: runId, item });
}

export async function addToolOutput(svc: Services, actor: Actor, threadId: string, result: unknown): Promise<StreamPlan> {
  const cursor = await logHead(svc);
  return inTransaction(svc, async (tx) => {
    const dialog = await accessThread(tx.trx, actor, threadId, { lock: true });
    const newest = (await itemsPage(tx.trx, dialog.id, { limit: 1, order: 'desc' })).data[0];
    if (newest?.type !== 'client_tool_call' || newest.status !== 'pending')
      throw new AppError('CONFLICT', 'No client tool call is waiting for output');
    const { sender } = await loadItem(tx.trx, dialog.id, newest.id);
    const agentId = await agentOf(tx, dialog.id, sender);
    const completed = { ...newest, status: 'completed', output: result } as ThreadItem;
    await tx.trx
      .updateTable('agent_items')
      .set({ item: JSON.stringify(completed) })
      .where('message_id', '=', newest.id)
      .execute();
    const runId = await queueAgentRun(tx, dialog.id, agentId, 'respond', { user_id: actor.userId });
    return { dialogId: dialog.id, cursor, prelude: [STREAM_OPTIONS], runIds: [runId] };
  });
}

export async function addStructuredInput(
  svc: Services,
  actor: Actor,
  threadId: string,
  itemId: string,
  input: { status: 'answered' | 'skipped'; answers: Record<string, { values: string[]; skipped: boolean }> },
): Promise<StreamPlan> {
  const cursor = await logHead(svc);
  return inTransaction(svc, async (tx) => {
    const dialog = await accessThread(tx.trx, actor, threadId, { lock: true });
    const { item, sender } = await loadItem(tx.trx, dialog.id, itemId);
    const raw = item as unknown as { type: string; status?: string; inputs?: { id: string; type: string; answer?: unknown }[] };
    if (raw.type !== 'structured_input' || (raw.status ?? 'pending') !== 'pending')
      throw new AppError('CONFLICT', 'This item is not a pending structured input');
    const agentId = await agentOf(tx, dialog.id, sender);
    const inputs = (raw.inputs ?? []).map((q) => {
      const a = input.answers[q.id];
      const skipped = input.status === 'skipped' || !a || a.skipped || a.values.length === 0;
      const values = skipped
        ? []
        : q.type === 'multiple_choice' && !(q as { multiple?: boolean }).multiple
          ? a.values.slice(0, 1)
          : a.values;
      return { ...q, answer: { values, skipped } };
    });
    const answered = { ...raw, status: input.status, inputs } as unknown as ThreadItem;
    const runId = await queueAgentRun(tx, dialog.id, agentId, 'respond', { user_id: actor.userId });
    await replaceItem(tx, dialog.id, answered, runId);
    return { dialogId: dialog.id, cursor, prelude: [STREAM_OPTIONS, { type: 'thread.item.replaced', item: answered }], runIds: [runId] };
  });
}

export async function retryAfterItem(svc: Services, actor: Actor, threadId: string, itemId: string): Promise<StreamPlan> {
  const cursor = await logHead(svc);
  return inTransaction(svc, async (tx) => {
    const dialog = await accessThread(tx.trx, actor, threadId, { lock: true });
    const { item } = await loadItem(tx.trx, dialog.id, itemId);
    if (item.type !== 'user_message') throw new AppError('CONFLICT', 'Only a user message can be retried');
    const busy = await tx.trx
      .selectFrom('agent_runs')
      .select('id')
      .where('dialog_id', '=', dialog.id)
      .where(sql<boolean>`status IN ('queued', 'running')`)
      .executeTakeFirst();
    if (busy) throw new AppError('CONFLICT', 'An agent is still answering in this thread');
    // A retry drops what came after the message: never someone else's words.
    const others = await tx.trx
      .selectFrom('messages')
      .select('id')
      .where('dialog_id', '=', dialog.id)
      .where(sql<boolean>`id > ${itemId}`)
      .where('message_type', '=', 'user')
      .where(sql<boolean>`sender_id <> ${actor.userId} AND sender_id NOT LIKE 'agent:%'`)
      .executeTakeFirst();
    if (others) throw new AppError('CONFLICT', 'Other participants have written since this message');
    // Unlike chatkit-python, the removal of every later item is announced.
    const later = await tx.trx
      .deleteFrom('messages')
      .where('dialog_id', '=', dialog.id)
      .where(sql<boolean>`id > ${itemId}`)
      .returning('id')
      .execute();
    const removed: ChatKitEvent[] = [];
    for (const m of later.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      tx.emit({ type: 'message.deleted', id: m.id, dialog_id: dialog.id });
      removed.push({ type: 'thread.item.removed', item_id: m.id });
    }
    await tx.trx
      .updateTable('dialogs')
      .set({ last_message_id: itemId, last_message_at: sql`(SELECT sent_at FROM messages WHERE id = ${itemId})` as never })
      .where('id', '=', dialog.id)
      .execute();
    await tx.trx.deleteFrom('agent_runs').where('trigger_message_id', '=', itemId).execute();
    const message = await tx.trx
      .selectFrom('messages')
      .select(['id', 'dialog_id', 'sender_id', 'content', 'message_type'])
      .where('id', '=', itemId)
      .executeTakeFirstOrThrow();
    const tags = item.content.filter((c) => c.type === 'input_tag').map((c) => String((c as { id?: unknown }).id));
    await enqueueAgentRuns(tx, message, tags);
    const runs = await tx.trx.selectFrom('agent_runs').select('id').where('trigger_message_id', '=', itemId).orderBy('agent_id').execute();
    return { dialogId: dialog.id, cursor, prelude: [...removed, STREAM_OPTIONS], runIds: runs.map((r) => r.id) };
  });
}

/** A widget action: only on a widget item of this thread sent by one of its agents. */
export async function customAction(
  svc: Services,
  actor: Actor,
  threadId: string,
  itemId: string | undefined,
  action: { type: string; payload?: unknown },
): Promise<StreamPlan> {
  if (!itemId) throw new AppError('CONFLICT', 'A custom action must come from a widget item of the thread');
  const cursor = await logHead(svc);
  return inTransaction(svc, async (tx) => {
    const dialog = await accessThread(tx.trx, actor, threadId, { lock: true });
    const { item, sender } = await loadItem(tx.trx, dialog.id, itemId);
    if (item.type !== 'widget') throw new AppError('CONFLICT', 'Actions are accepted only on a widget item');
    const agentId = await agentOf(tx, dialog.id, sender);
    const runId = await queueAgentRun(tx, dialog.id, agentId, 'action', {
      user_id: actor.userId,
      action: { type: action.type, payload: action.payload ?? {} },
      sender_id: itemId,
    });
    return { dialogId: dialog.id, cursor, prelude: [STREAM_OPTIONS], runIds: [runId] };
  });
}

export async function updateThread(svc: Services, actor: Actor, threadId: string, title: string) {
  const dialog = await accessThread(svc.db.kysely, actor, threadId);
  const row = await svc.db.kysely
    .updateTable('dialogs')
    .set({ title: title || null })
    .where('id', '=', dialog.id)
    .returning(['id', 'title', 'created_at'])
    .executeTakeFirstOrThrow();
  return threadWire(row);
}

/**
 * Only the one who started a thread through ChatKit may delete it; a dialog the host created stays the host's
 * to delete (Management API), and for the other participants a thread is a shared conversation.
 */
export async function deleteThread(svc: Services, actor: Actor, threadId: string): Promise<void> {
  const dialog = await accessThread(svc.db.kysely, actor, threadId);
  if (dialog.created_by !== actor.userId || dialog.object_id !== dialog.id)
    throw new AppError('FORBIDDEN', 'Only the one who started this thread may delete it');
  await deleteDialog(svc, dialog.id);
}

/** Feedback on items of the thread: stored, and sent as the webhook item.feedback. */
export async function addFeedback(
  svc: Services,
  actor: Actor,
  threadId: string,
  itemIds: readonly string[],
  kind: 'positive' | 'negative',
): Promise<void> {
  await inTransaction(svc, async (tx) => {
    const dialog = await accessThread(tx.trx, actor, threadId);
    for (const id of itemIds) await loadItem(tx.trx, dialog.id, id);
    for (const id of itemIds) {
      await tx.trx
        .insertInto('item_feedback')
        .values({ dialog_id: dialog.id, message_id: id, user_id: actor.userId, kind, created_at: tx.now })
        .onConflict((oc) => oc.columns(['message_id', 'user_id']).doUpdateSet({ kind, created_at: tx.now }))
        .execute();
    }
    tx.emit({ type: 'item.feedback', dialog_id: dialog.id, user_id: actor.userId, item_ids: [...itemIds], kind });
  });
}
