/** @module actions/system-messages: inserts MTChat's system messages (chat_created, participant_joined/left). */
import type { ActionTx } from './transaction.js';
import { newId } from '../wire.js';
import { messageRecord } from '../queries/message-record.js';
import { sortedJson, type MessageRow } from '../queries/serialize.js';

export type SystemContent =
  | { event: 'chat_created'; participants: { name: string; company?: string }[] }
  | { event: 'participant_joined'; name: string; company: string }
  | { event: 'participant_left'; name: string };

/**
 * Writes a system message and emits `message.new`. System messages take the dialog's current sequence without
 * advancing it, so they never count as unread. Requires the dialog row to be locked by the caller.
 */
export async function insertSystemMessage(tx: ActionTx, dialogId: string, content: SystemContent): Promise<MessageRow> {
  const { trx, now } = tx;
  const dialog = await trx
    .updateTable('dialogs')
    .set({ last_message_at: now })
    .where('id', '=', dialogId)
    .returning(['message_seq', 'object_id', 'object_type'])
    .executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('messages')
    .values({
      id: newId(),
      dialog_id: dialogId,
      sender_id: null,
      content: sortedJson(content),
      sent_at: now,
      last_edited_at: null,
      reply_to_id: null,
      message_type: 'system',
      seq: dialog.message_seq,
      client_message_id: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx.updateTable('dialogs').set({ last_message_id: row.id }).where('id', '=', dialogId).execute();
  tx.emit(messageRecord(row, dialog));
  return row;
}
