/**
 * @module chatkit/threads: a ChatKit thread is a Parley dialog, its items the dialog's user messages. Reads
 * (threads.get_by_id, threads.list, items.list) and the access rule: only a participant sees a thread; for
 * anyone else it does not exist (404).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ChatKitThread, ThreadItem } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import { itemRows, messageItem } from '../agents/history.js';
import { AppError, notFound } from '../errors.js';
import { accessAsMember } from '../policies/dialogs.js';
import type { Actor } from '../security/identity.js';
import { timestamp } from '../wire.js';

type Db = Kysely<Database> | Transaction<Database>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a client-sent id can name a Parley row (threads, items, attachments are UUIDs). */
export const isId = (id: string) => UUID.test(id);

export const threadNotFound = () => notFound('Thread');
export const itemNotFound = () => notFound('Item');

/** The dialog behind a thread the actor takes part in; 404 for anything else. */
export async function accessThread(db: Db, actor: Actor, threadId: string, opts: { lock?: boolean } = {}) {
  if (!UUID.test(threadId)) throw threadNotFound();
  const { dialog } = await accessAsMember(db, actor, threadId, { hidden: threadNotFound, notMember: threadNotFound }, opts);
  return dialog;
}

interface DialogRow {
  id: string;
  title: string | null;
  created_at: Date | string;
}

export function threadWire(
  d: DialogRow,
  items: { data: ThreadItem[]; has_more: boolean; after?: string } = { data: [], has_more: false },
): ChatKitThread {
  return {
    id: d.id,
    ...(d.title ? { title: d.title } : {}),
    created_at: timestamp(d.created_at),
    status: { type: 'active' },
    metadata: {},
    items: { data: items.data, has_more: items.has_more, ...(items.after ? { after: items.after } : {}) },
  };
}

/** A page of items; `after` is an item id (exclusive). */
export async function itemsPage(db: Db, dialogId: string, opts: { limit: number; order: 'asc' | 'desc'; after?: string }) {
  let q = itemRows(db, dialogId);
  if (opts.after) {
    if (!UUID.test(opts.after)) throw new AppError('INVALID_INPUT', 'after must be an item id');
    q = q.where(sql<boolean>`m.id ${sql.raw(opts.order === 'asc' ? '>' : '<')} ${opts.after}`);
  }
  const rows = await q
    .orderBy('m.id', opts.order)
    .limit(opts.limit + 1)
    .execute();
  const has_more = rows.length > opts.limit;
  const data = rows.slice(0, opts.limit).map(messageItem);
  return { data, has_more, ...(has_more && data.length > 0 ? { after: data[data.length - 1]!.id } : {}) };
}

export async function getThread(db: Db, actor: Actor, threadId: string): Promise<ChatKitThread> {
  const dialog = await accessThread(db, actor, threadId);
  return threadWire(dialog, await itemsPage(db, dialog.id, { limit: 20, order: 'asc' }));
}

/** The threads the actor takes part in, newest first by default; `after` is a thread id. */
export async function listThreads(db: Db, actor: Actor, opts: { limit: number; order: 'asc' | 'desc'; after?: string }) {
  let q = db
    .selectFrom('dialogs as d')
    .innerJoin('dialog_participants as p', (j) => j.onRef('p.dialog_id', '=', 'd.id').on('p.user_id', '=', actor.userId))
    .select(['d.id', 'd.title', 'd.created_at']);
  if (opts.after) {
    if (!UUID.test(opts.after)) throw new AppError('INVALID_INPUT', 'after must be a thread id');
    q = q.where(
      sql<boolean>`(d.created_at, d.id) ${sql.raw(opts.order === 'asc' ? '>' : '<')} (SELECT created_at, id FROM dialogs WHERE id = ${opts.after})`,
    );
  }
  const rows = await q
    .orderBy('d.created_at', opts.order)
    .orderBy('d.id', opts.order)
    .limit(opts.limit + 1)
    .execute();
  const has_more = rows.length > opts.limit;
  const data = rows.slice(0, opts.limit).map((r) => threadWire(r));
  return { data, has_more, ...(has_more && data.length > 0 ? { after: data[data.length - 1]!.id } : {}) };
}

/** One item of the thread, or 404. */
export async function loadItem(db: Db, dialogId: string, itemId: string): Promise<{ item: ThreadItem; sender: string | null }> {
  if (!UUID.test(itemId)) throw itemNotFound();
  const row = await itemRows(db, dialogId).where('m.id', '=', itemId).executeTakeFirst();
  if (!row) throw itemNotFound();
  return { item: messageItem(row), sender: row.sender_id };
}
