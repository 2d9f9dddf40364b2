/** @module actions/messages: send (idempotent by client_message_id), edit (history kept) and delete messages. */
import type { Services } from '../context.js';
import type { SendMessageBody } from '@parley/protocol';
import { AppError, messageNotFound } from '../errors.js';
import { accessAsMember, dialogNotFound, joinFirst } from '../policies/dialogs.js';
import { attachmentRows } from '../queries/attachments.js';
import { messageRecord, type MessageRecord } from '../queries/message-record.js';
import { sentWithClientId } from '../queries/messages.js';
import { messageWire } from '../queries/serialize.js';
import type { Actor } from '../security/identity.js';
import { storedMessageContent } from '../security/sanitize.js';
import { newId, timestamp } from '../wire.js';
import { enqueueAgentRuns, storeItem } from '../agents/triggers.js';
import { inTransaction, type ActionTx } from './transaction.js';
import { claimAttachments, sealAttachments, type SealedAttachment } from './uploads.js';
import { writeMessage } from './message-write.js';

/**
 * Sends a user message. O(1) in the dialog's size: one sequence bump, one row for the sender's read position,
 * and an un-archive only for participants who had archived, all in one statement (actions/message-write.ts). A retry with the same client_message_id returns
 * the stored message instead of a duplicate. Attachments are checked and sealed first (actions/uploads.ts), then
 * claimed in the same transaction as the message. Returns the message's record; the HTTP edge projects it with
 * signed links (queries/message-record.ts messageOf).
 */
export async function sendMessage(
  svc: Services,
  actor: Actor,
  dialogId: string,
  body: SendMessageBody,
  /** ChatKit: the user_message item the message stands for, the agents its input tags name, its sealed attachments. */
  chatkit: { item?: Record<string, unknown>; mentioned?: readonly string[]; sealed?: readonly SealedAttachment[] } = {},
): Promise<MessageRecord> {
  const sealed = chatkit.sealed ?? (body.attachments.length > 0 ? await sealAttachments(svc, actor, dialogId, body) : []);
  const content = storedMessageContent(body.content);
  return inTransaction(svc, async (tx) => {
    const { dialog } = await accessAsMember(tx.trx, actor, dialogId, { hidden: dialogNotFound, notMember: joinFirst }, { lock: true });
    if (body.client_message_id !== undefined) {
      const existing = await sentWithClientId(tx.trx, dialogId, actor.userId, body.client_message_id);
      if (existing) return messageRecord(existing, dialog, await attachmentRows(tx.trx, [existing.id]), body.client_message_id);
    }
    if (body.reply_to) {
      const target = await tx.trx
        .selectFrom('messages')
        .select('id')
        .where('id', '=', body.reply_to)
        .where('dialog_id', '=', dialogId)
        .executeTakeFirst();
      if (!target) throw new AppError('INVALID_INPUT', 'reply_to must be a message of this dialog');
    }
    const id = newId();
    // The dialog row is locked (accessAsMember with lock), so its sequence cannot move under us.
    const seq = Number(dialog.message_seq) + 1;
    const { row, unarchived, agents } = await writeMessage(tx, {
      id,
      dialogId,
      senderId: actor.userId,
      content,
      seq,
      replyTo: body.reply_to ?? null,
      clientMessageId: body.client_message_id ?? null,
    });
    const attachments = await claimAttachments(tx, actor, dialogId, id, sealed);
    emitUnarchived(tx, dialogId, unarchived);
    // One record: the event in the log, and (projected) the response; frames and webhooks project it too.
    const record = messageRecord(row, dialog, attachments, body.client_message_id);
    tx.emit(record);
    if (chatkit.item) await storeItem(tx, id, dialogId, chatkit.item);
    // Agent members answer in the background: their runs commit with the message (agents/triggers.ts).
    await enqueueAgentRuns(tx, row, chatkit.mentioned, agents);
    return record;
  });
}

/** A new message brings the dialog back for everyone who had archived it (MTChat's auto-unarchive). */
export async function unarchiveAll(tx: ActionTx, dialogId: string) {
  const unarchived = await tx.trx
    .updateTable('dialog_participants')
    .set({ is_archived: false })
    .where('dialog_id', '=', dialogId)
    .where('is_archived', '=', true)
    .returning('user_id')
    .execute();
  emitUnarchived(
    tx,
    dialogId,
    unarchived.map((u) => u.user_id),
  );
}

/**
 * MTChat's auto-unarchive: a new message brings the dialog back for everyone who had archived it, and each of them
 * hears `dialog.unarchived` (before the message's own event). A user's send does the update inside its one write
 * statement (actions/message-write.ts), an agent's reply with unarchiveAll; both announce it here.
 */
function emitUnarchived(tx: ActionTx, dialogId: string, userIds: readonly string[]): void {
  for (const userId of userIds) tx.emit({ type: 'dialog.unarchived', dialog_id: dialogId, user_id: userId });
}

/** Loads a message the actor wrote, in a dialog the actor still takes part in. */
async function accessOwnMessage(tx: ActionTx, actor: Actor, dialogId: string, messageId: string, verb: string) {
  await accessAsMember(tx.trx, actor, dialogId, { hidden: messageNotFound, notMember: messageNotFound }, { lock: true });
  const message = await tx.trx
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', messageId)
    .where('dialog_id', '=', dialogId)
    .forUpdate()
    .executeTakeFirst();
  if (!message) throw messageNotFound();
  if (message.sender_id !== actor.userId) throw new AppError('NOT_MESSAGE_AUTHOR', `Can only ${verb} own messages`);
  return message;
}

export async function editMessage(svc: Services, actor: Actor, dialogId: string, messageId: string, rawContent: string) {
  const content = storedMessageContent(rawContent);
  return inTransaction(svc, async (tx) => {
    const message = await accessOwnMessage(tx, actor, dialogId, messageId, 'edit');
    await tx.trx
      .insertInto('message_edit_history')
      .values({ id: newId(), message_id: messageId, old_content: message.content, edited_at: tx.now })
      .execute();
    const row = await tx.trx
      .updateTable('messages')
      .set({ content, last_edited_at: tx.now })
      .where('id', '=', messageId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const m = messageWire(row);
    tx.emit({
      type: 'message.edited',
      id: messageId,
      dialog_id: dialogId,
      content,
      last_edited_at: timestamp(tx.now),
      sender_id: m.sender_id,
      sent_at: m.sent_at,
      reply_to_id: m.reply_to_id,
      message_type: m.message_type,
    });
    return m;
  });
}

export async function deleteMessage(svc: Services, actor: Actor, dialogId: string, messageId: string): Promise<void> {
  await inTransaction(svc, async (tx) => {
    await accessOwnMessage(tx, actor, dialogId, messageId, 'delete');
    await tx.trx.deleteFrom('messages').where('id', '=', messageId).execute();
    const last = await tx.trx
      .selectFrom('messages')
      .select(['id', 'sent_at'])
      .where('dialog_id', '=', dialogId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    await tx.trx
      .updateTable('dialogs')
      .set({ last_message_id: last?.id ?? null, last_message_at: last?.sent_at ?? null })
      .where('id', '=', dialogId)
      .execute();
    tx.emit({ type: 'message.deleted', id: messageId, dialog_id: dialogId });
  });
}
