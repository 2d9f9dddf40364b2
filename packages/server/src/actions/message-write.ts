/**
 * @module actions/message-write: stores a new user message and moves its dialog with it in ONE statement: the
 * message row, the dialog's sequence and last message, the sender's read position, the un-archive of everyone who
 * had archived the dialog (MTChat's auto-unarchive), and a read of the dialog's agent members. One round trip
 * instead of five: on PostgreSQL a send holds its dialog row for fewer round trips (the hot dialog), and on
 * PGlite's single session every statement is paid in full.
 */
import { sql } from 'kysely';
import { agentMembers, type AgentMember } from '../agents/triggers.js';
import type { MessageRow } from '../queries/serialize.js';
import type { ActionTx } from './transaction.js';

export interface NewMessage {
  id: string;
  dialogId: string;
  senderId: string;
  content: string;
  /** The dialog's next sequence number (the caller holds the dialog row). */
  seq: number;
  replyTo: string | null;
  clientMessageId: string | null;
}

export interface WrittenMessage {
  row: MessageRow;
  /** Participants who had archived the dialog, now un-archived. */
  unarchived: string[];
  agents: AgentMember[];
}

export async function writeMessage(tx: ActionTx, m: NewMessage): Promise<WrittenMessage> {
  const agents = agentMembers(tx.trx, m.dialogId);
  // The participants' update joins their rows as they were (`o`), so it knows who had archived.
  const result = await sql<MessageRow & { unarchived: string[]; agents: AgentMember[] }>`
    WITH m AS (
      INSERT INTO messages (id, dialog_id, sender_id, content, sent_at, last_edited_at, reply_to_id, message_type, seq, client_message_id)
      VALUES (${m.id}, ${m.dialogId}, ${m.senderId}, ${m.content}, ${tx.now}, NULL, ${m.replyTo}, 'user', ${m.seq}, ${m.clientMessageId})
      RETURNING *
    ), d AS (
      UPDATE dialogs SET message_seq = ${m.seq}, last_message_id = ${m.id}, last_message_at = ${tx.now} WHERE id = ${m.dialogId}
    ), p AS (
      UPDATE dialog_participants p SET
        is_archived = false,
        read_seq = CASE WHEN p.user_id = ${m.senderId} THEN ${m.seq} ELSE p.read_seq END,
        last_read_message_id = CASE WHEN p.user_id = ${m.senderId} THEN ${m.id} ELSE p.last_read_message_id END
      FROM dialog_participants o
      WHERE p.dialog_id = ${m.dialogId} AND o.dialog_id = p.dialog_id AND o.user_id = p.user_id
        AND (o.is_archived OR o.user_id = ${m.senderId})
      RETURNING p.user_id, o.is_archived AS was_archived
    )
    SELECT m.*,
      ARRAY(SELECT user_id FROM p WHERE was_archived ORDER BY user_id) AS unarchived,
      (SELECT coalesce(json_agg(a), '[]') FROM (${agents}) a) AS agents
    FROM m`.execute(tx.trx);
  const first = result.rows[0];
  if (!first) throw new Error('the message insert returned no row');
  const { unarchived, agents: members, ...row } = first;
  return { row: row as MessageRow, unarchived, agents: typeof members === 'string' ? JSON.parse(members) : members };
}
