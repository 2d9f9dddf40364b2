/** @module queries/dialogs: the Chat API's dialog reads: lists, one dialog, by business object. */
import { sql, type Kysely } from 'kysely';
import type { DialogView } from '@parley/protocol';
import { LIMITS } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import { AppError } from '../errors.js';
import { accessDialog, dialogNotFound, dialogsWithMe, splitMe, visibleTo, type Relation } from '../policies/dialogs.js';
import type { Actor } from '../security/identity.js';
import { buildViews, type ViewRow, type ViewShape } from './dialog-views.js';

const PARTICIPATING: ViewShape = {
  count: true,
  memberFlags: true,
  lastMessageAt: true,
  lastMessage: true,
  participants: true,
  participantsForPotential: true,
  countForPotential: true,
};
const AVAILABLE: ViewShape = { ...PARTICIPATING, memberFlags: false, lastMessage: false };
const SINGLE: ViewShape = {
  count: true,
  memberFlags: false,
  lastMessageAt: false,
  lastMessage: false,
  participants: true,
  participantsForPotential: false,
  countForPotential: false,
};
const BY_OBJECT: ViewShape = { ...PARTICIPATING, memberFlags: false };
const BY_OBJECT_LIST: ViewShape = PARTICIPATING;

/** Case-insensitive substring of the title or of any participant's company (wildcards in the term are literal). */
function searchCondition(term: string) {
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`(d.title ILIKE ${pattern} OR EXISTS (SELECT 1 FROM dialog_participants sp WHERE sp.dialog_id = d.id AND sp.company ILIKE ${pattern}))`;
}

function toViewRows(rows: Array<{ me: Record<string, unknown> | null }>): ViewRow[] {
  return rows.map((row) => {
    const { dialog, member } = splitMe(row);
    return { dialog, me: member };
  });
}

/**
 * The ids of the dialogs the actor takes part in, by the rule of the participating list (scope filter included):
 * what message search looks in.
 */
export function participatingDialogIds(db: Kysely<Database>, actor: Actor) {
  return dialogsWithMe(db, actor.userId).where(visibleTo(actor, 'participating')).clearSelect().select('d.id');
}

export async function listDialogs(
  db: Kysely<Database>,
  actor: Actor,
  q: { type?: string; search?: string; archived?: boolean; limit?: number; offset?: number },
): Promise<DialogView[]> {
  const type = q.type ?? 'participating';
  if (type !== 'participating' && type !== 'available') throw new AppError('BAD_REQUEST', 'Invalid type parameter');
  const limit = q.limit ?? LIMITS.dialogsPageDefault;
  const offset = q.offset ?? 0;
  if (type === 'available' && !actor.scope) throw new AppError('BAD_REQUEST', 'X-Scope-Config header required for available dialogs');
  let query = dialogsWithMe(db, actor.userId).where(visibleTo(actor, type));
  if (type === 'participating' && q.archived !== undefined) query = query.where('p.is_archived', '=', q.archived);
  if (q.search !== undefined) query = query.where(searchCondition(q.search));
  const rows = await query.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(limit).offset(offset).execute();
  return buildViews(db, toViewRows(rows), type === 'participating' ? PARTICIPATING : AVAILABLE);
}

export async function getDialogView(db: Kysely<Database>, actor: Actor, dialogId: string): Promise<DialogView> {
  const access = await accessDialog(db, actor, dialogId);
  if (!access) throw dialogNotFound();
  const [view] = await buildViews(db, [{ dialog: access.dialog, me: access.member }], SINGLE);
  return view!;
}

/** Dialogs of one business object the caller may see: as a participant, or as a potential participant. */
function accessibleByObject(db: Kysely<Database>, actor: Actor, objectType: string, objectId: string, relation: Relation = 'any') {
  return dialogsWithMe(db, actor.userId)
    .where('d.object_type', '=', objectType)
    .where('d.object_id', '=', objectId)
    .where(visibleTo(actor, relation))
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc');
}

export async function getByObject(db: Kysely<Database>, actor: Actor, objectType: string, objectId: string): Promise<DialogView | null> {
  const rows = await accessibleByObject(db, actor, objectType, objectId).limit(1).execute();
  const [view] = await buildViews(db, toViewRows(rows), BY_OBJECT);
  return view ?? null;
}

export async function listByObject(
  db: Kysely<Database>,
  actor: Actor,
  objectType: string,
  objectId: string,
  q: { type?: string; search?: string; archived?: boolean },
): Promise<DialogView[]> {
  if (q.type !== undefined && q.type !== 'participating' && q.type !== 'available')
    throw new AppError('BAD_REQUEST', 'Invalid type parameter');
  let query = accessibleByObject(db, actor, objectType, objectId, q.type);
  if (q.archived !== undefined && q.type !== 'available') {
    const archived = q.archived;
    query = query.where((eb) => eb.or([eb('p.user_id', 'is', null), eb('p.is_archived', '=', archived)]));
  }
  if (q.search !== undefined) query = query.where(searchCondition(q.search));
  const rows = await query.limit(LIMITS.dialogsPageMax * 10).execute();
  return buildViews(db, toViewRows(rows), BY_OBJECT_LIST);
}
