/** @module queries/messages: message pages (latest, before, after, around) and single messages, for participants. */
import type { Kysely, Transaction } from 'kysely';
import { LIMITS, type Message, type MessagePage } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import { messageNotFound } from '../errors.js';
import { accessAsMember, joinFirst } from '../policies/dialogs.js';
import type { Actor } from '../security/identity.js';
import { attachmentsByMessage, withAttachments, type FileLinks } from './attachments.js';
import { messageWire, type MessageRow } from './serialize.js';

export interface PageQuery {
  limit?: number;
  before?: string;
  after?: string;
  around?: string;
}

/**
 * The message a sender already sent to a dialog under this `client_message_id` (a retried send), or undefined:
 * the one idempotency lookup, for the send and for the attachment checks before it.
 */
export function sentWithClientId(
  db: Kysely<Database> | Transaction<Database>,
  dialogId: string,
  senderId: string,
  clientMessageId: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('dialog_id', '=', dialogId)
    .where('sender_id', '=', senderId)
    .where('client_message_id', '=', clientMessageId)
    .executeTakeFirst();
}

const forbidden = () => ({ hidden: joinFirst, notMember: joinFirst });

function page(db: Kysely<Database>, dialogId: string) {
  return db.selectFrom('messages').selectAll().where('dialog_id', '=', dialogId);
}

/**
 * Spec §3.5: ordering by id (UUIDv7), results always ascending; the cursor need not exist. With `links`, each
 * message carries its attachments (fresh download URLs), loaded for the whole page in one query.
 */
export async function listMessages(
  db: Kysely<Database>,
  actor: Actor,
  dialogId: string,
  q: PageQuery,
  links?: FileLinks,
): Promise<MessagePage> {
  const { member } = await accessAsMember(db, actor, dialogId, forbidden());
  const limit = q.limit ?? LIMITS.messagesPageDefault;
  let messages: MessageRow[];
  let hasMoreBefore: boolean;
  let hasMoreAfter: boolean;
  if (q.around) {
    const half = Math.floor(limit / 2);
    const older = await page(db, dialogId)
      .where('id', '<', q.around)
      .orderBy('id', 'desc')
      .limit(half + 1)
      .execute();
    const newer = await page(db, dialogId)
      .where('id', '>=', q.around)
      .orderBy('id', 'asc')
      .limit(half + 2)
      .execute();
    hasMoreBefore = older.length > half;
    hasMoreAfter = newer.length > half + 1;
    messages = [...older.slice(0, half).reverse(), ...newer.slice(0, half + 1)];
  } else if (q.after) {
    const rows = await page(db, dialogId)
      .where('id', '>', q.after)
      .orderBy('id', 'asc')
      .limit(limit + 1)
      .execute();
    hasMoreBefore = true;
    hasMoreAfter = rows.length > limit;
    messages = rows.slice(0, limit);
  } else {
    let query = page(db, dialogId);
    if (q.before) query = query.where('id', '<', q.before);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    hasMoreBefore = rows.length > limit || limit === 0;
    hasMoreAfter = false;
    messages = rows.slice(0, limit).reverse();
  }
  const attachments = links
    ? await attachmentsByMessage(
        db,
        links,
        messages.map((m) => m.id),
      )
    : new Map();
  const wires = messages.map((m) => withAttachments(messageWire(m), attachments.get(m.id)));
  const result: MessagePage = { messages: wires, has_more_before: hasMoreBefore, has_more_after: hasMoreAfter };
  if (!q.around) {
    const lastRead = member.last_read_message_id;
    const firstUnread = messages.find((m) => lastRead === null || m.id > lastRead);
    if (firstUnread)
      return {
        messages: result.messages,
        first_unread_message_id: firstUnread.id,
        has_more_before: hasMoreBefore,
        has_more_after: hasMoreAfter,
      };
  }
  return result;
}

export async function getMessage(db: Kysely<Database>, actor: Actor, dialogId: string, messageId: string): Promise<Message> {
  await accessAsMember(db, actor, dialogId, { hidden: messageNotFound, notMember: joinFirst });
  const row = await page(db, dialogId).where('id', '=', messageId).executeTakeFirst();
  if (!row) throw messageNotFound();
  return messageWire(row);
}
