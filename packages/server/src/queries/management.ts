/** @module queries/management: the Management API's reads (dialog details, find by object and scopes). */
import type { Kysely } from 'kysely';
import { normalizeLevel, type Scope } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import { notFound } from '../errors.js';
import { dialogWire, participantWire, scopeWire } from './serialize.js';

export async function getDialogDetails(db: Kysely<Database>, dialogId: string) {
  const dialog = await db.selectFrom('dialogs').selectAll().where('id', '=', dialogId).executeTakeFirst();
  if (!dialog) throw notFound('Dialog');
  const [participants, scopes] = await Promise.all([
    db.selectFrom('dialog_participants').selectAll().where('dialog_id', '=', dialogId).orderBy('joined_at').orderBy('user_id').execute(),
    db.selectFrom('dialog_access_scopes').selectAll().where('dialog_id', '=', dialogId).orderBy('created_at').orderBy('id').execute(),
  ]);
  return {
    ...dialogWire(dialog),
    participants: participants.map((p) => participantWire(p, dialog.message_seq)),
    access_scopes: scopes.map(scopeWire),
  };
}

function scopeKey(s: Scope): string {
  return JSON.stringify([normalizeLevel(s.scope_level0), normalizeLevel(s.scope_level1), normalizeLevel(s.scope_level2)]);
}

/** The newest dialog of the object whose set of scope rows equals the requested set (order-insensitive). */
export async function searchDialog(db: Kysely<Database>, objectType: string, objectId: string, scopes: Scope[]) {
  const wanted = new Set(scopes.map(scopeKey));
  const candidates = await db
    .selectFrom('dialogs')
    .selectAll()
    .where('object_type', '=', objectType)
    .where('object_id', '=', objectId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1000)
    .execute();
  if (candidates.length === 0) return null;
  const rows = await db
    .selectFrom('dialog_access_scopes')
    .selectAll()
    .where(
      'dialog_id',
      'in',
      candidates.map((c) => c.id),
    )
    .execute();
  for (const dialog of candidates) {
    const have = new Set(rows.filter((r) => r.dialog_id === dialog.id).map(scopeKey));
    if (have.size === wanted.size && [...wanted].every((k) => have.has(k))) return dialogWire(dialog);
  }
  return null;
}
