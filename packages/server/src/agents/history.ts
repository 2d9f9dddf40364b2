/**
 * @module agents/history: a dialog's messages as ChatKit items, the one mapping both faces share. An agent's
 * message (or a ChatKit user message) carries its stored item; any other person's message becomes a
 * `user_message` with its text. System messages are not items.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ThreadItem } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import { timestamp } from '../wire.js';
import { htmlToText } from './render.js';
import { ordered } from '../chatkit/key-order.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ItemRow {
  id: string;
  dialog_id: string;
  sender_id: string | null;
  content: string;
  sent_at: Date | string;
  item: unknown;
}

/** The item a stored message shows to ChatKit clients and agents. */
export function messageItem(r: ItemRow): ThreadItem {
  const created_at = timestamp(r.sent_at);
  if (r.item) {
    const stored = (typeof r.item === 'string' ? JSON.parse(r.item) : r.item) as Record<string, unknown>;
    // The time the item was first streamed, when it has one (what ChatKit clients saw), else the message's.
    return ordered({
      ...stored,
      id: r.id,
      thread_id: r.dialog_id,
      created_at: typeof stored.created_at === 'string' ? stored.created_at : created_at,
    }) as ThreadItem;
  }
  return {
    id: r.id,
    thread_id: r.dialog_id,
    created_at,
    type: 'user_message',
    content: [{ type: 'input_text', text: htmlToText(r.content) }],
    attachments: [],
    inference_options: {},
  } as ThreadItem;
}

/** Selects messages with their stored item (agent replies, ChatKit inputs), user messages only. */
export function itemRows(db: Db, dialogId: string) {
  return db
    .selectFrom('messages as m')
    .leftJoin('agent_items as i', 'i.message_id', 'm.id')
    .select(['m.id', 'm.dialog_id', 'm.sender_id', 'm.content', 'm.sent_at', 'i.item'])
    .where('m.dialog_id', '=', dialogId)
    .where('m.message_type', '=', 'user');
}

/** The last `limit` items up to and including message `upTo` (or the newest), oldest first, with who sent each. */
export async function recentHistory(
  db: Db,
  dialogId: string,
  limit: number,
  upTo?: string,
): Promise<{ items: ThreadItem[]; senders: Map<string, string> }> {
  let q = itemRows(db, dialogId);
  if (upTo) q = q.where(sql<boolean>`m.id <= ${upTo}`);
  const rows = (await q.orderBy('m.id', 'desc').limit(limit).execute()).reverse();
  return { items: rows.map(messageItem), senders: new Map(rows.map((r) => [r.id, r.sender_id ?? ''])) };
}

export async function recentItems(db: Db, dialogId: string, limit: number, upTo?: string): Promise<ThreadItem[]> {
  return (await recentHistory(db, dialogId, limit, upTo)).items;
}

/** Display names of the dialog's participants, by user id. */
export async function participantNames(db: Db, dialogId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('dialog_participants').select(['user_id', 'display_name']).where('dialog_id', '=', dialogId).execute();
  return new Map(rows.map((r) => [r.user_id, r.display_name ?? r.user_id]));
}
