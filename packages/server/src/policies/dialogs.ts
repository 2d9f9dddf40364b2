/**
 * @module policies/dialogs: the only way a user reaches a dialog. A dialog the user can neither take part in
 * nor discover through a matching scope is treated exactly like one that does not exist.
 */
import { sql, type Expression, type Kysely, type Selectable, type SqlBool, type Transaction } from 'kysely';
import type { Scope } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import type { DialogsTable, ParticipantsTable } from '../adapters/db/schema.js';
import type { AppError } from '../errors.js';
import type { Actor } from '../security/identity.js';

type Q = Kysely<Database> | Transaction<Database>;
export type DialogRow = Selectable<DialogsTable>;
export type ParticipantRow = Selectable<ParticipantsTable>;

export interface DialogAccess {
  dialog: DialogRow;
  member?: ParticipantRow;
  /** Not a member, but a supplied scope matches one of the dialog's scope rows: may view and join. */
  potential: boolean;
}

/** SQL condition: a scope row of dialog `d` matches the user's scope (spec §3.1: rows OR-ed, levels AND-ed). */
export function scopeRowMatches(scope: Scope, dialogRef: Expression<unknown> = sql.ref('d.id')) {
  const level = (col: string, values: string[]) => sql`(cardinality(s.${sql.raw(col)}) = 0 OR s.${sql.raw(col)} && ${values}::text[])`;
  return sql<boolean>`EXISTS (SELECT 1 FROM dialog_access_scopes s WHERE s.dialog_id = ${dialogRef}
    AND ${level('scope_level0', scope.scope_level0)} AND ${level('scope_level1', scope.scope_level1)}
    AND ${level('scope_level2', scope.scope_level2)})`;
}

export function hasNoScopeRows(dialogRef: Expression<unknown> = sql.ref('d.id')) {
  return sql<boolean>`NOT EXISTS (SELECT 1 FROM dialog_access_scopes s0 WHERE s0.dialog_id = ${dialogRef})`;
}

/** A participant row read back from `to_jsonb` (timestamps arrive as strings there). */
export function reviveParticipant(p: Record<string, unknown>): ParticipantRow {
  return { ...(p as unknown as ParticipantRow), joined_at: new Date(p.joined_at as string), read_seq: Number(p.read_seq) };
}

/** The dialogs `d`, each with the user's participant row `p` (null columns when not a member) and `me` (its JSON). */
export function dialogsWithMe(db: Q, userId: string) {
  return db
    .selectFrom('dialogs as d')
    .leftJoin('dialog_participants as p', (j) => j.onRef('p.dialog_id', '=', 'd.id').on('p.user_id', '=', userId))
    .selectAll('d')
    .select(sql<Record<string, unknown> | null>`CASE WHEN p.user_id IS NULL THEN NULL ELSE to_jsonb(p) END`.as('me'));
}
export type DialogsWithMe = ReturnType<typeof dialogsWithMe>;

/** How the actor relates to a dialog it may see: a participant, a potential participant, or either. */
export type Relation = 'participating' | 'available' | 'any';

/**
 * Who may see a dialog (over `dialogsWithMe`), the one rule for lists and single reads: a participant, unless the
 * actor's scope names another tenant (the dialog has scope rows and none matches); or a non-participant whose
 * scope matches a scope row (spec §3.1).
 */
export function visibleTo(actor: Actor, relation: Relation = 'any'): Expression<SqlBool> {
  const scope = actor.scope;
  const member = scope
    ? sql<SqlBool>`(p.user_id IS NOT NULL AND (${hasNoScopeRows()} OR ${scopeRowMatches(scope)}))`
    : sql<SqlBool>`p.user_id IS NOT NULL`;
  const potential = scope ? sql<SqlBool>`(p.user_id IS NULL AND ${scopeRowMatches(scope)})` : sql<SqlBool>`false`;
  if (relation === 'participating') return member;
  if (relation === 'available') return potential;
  return sql<SqlBool>`(${member} OR ${potential})`;
}

/** A row of `dialogsWithMe` as the dialog and the actor's participant row. */
export function splitMe({ me, ...dialog }: { me: Record<string, unknown> | null } & Record<string, unknown>): {
  dialog: DialogRow;
  member?: ParticipantRow;
} {
  return { dialog: dialog as unknown as DialogRow, member: me ? reviveParticipant(me) : undefined };
}

/**
 * Loads the dialog with the actor's relation to it (one round trip; with `lock`, the dialog row is locked), or
 * undefined when the actor may not know it exists.
 */
export async function accessDialog(
  db: Q,
  actor: Actor,
  dialogId: string,
  opts: { lock?: boolean } = {},
): Promise<DialogAccess | undefined> {
  let q = dialogsWithMe(db, actor.userId).where('d.id', '=', dialogId).where(visibleTo(actor));
  if (opts.lock) q = q.forUpdate(['d']);
  const found = await q.executeTakeFirst();
  if (!found) return undefined;
  const { dialog, member } = splitMe(found);
  return { dialog, member, potential: !member };
}

/** The errors to throw, as factories: made only when thrown (an AppError captures a stack, too dear for every call). */
export interface MemberErrors {
  /** For a dialog the actor may not know about (or that does not exist). */
  hidden: () => AppError;
  /** For a potential participant: it may see the dialog but not act as a member. */
  notMember: () => AppError;
}

/** The actor must be a participant; otherwise the endpoint's own error for "missing" or "not a member". */
export async function accessAsMember(
  db: Q,
  actor: Actor,
  dialogId: string,
  errors: MemberErrors,
  opts: { lock?: boolean } = {},
): Promise<{ dialog: DialogRow; member: ParticipantRow }> {
  const access = await accessDialog(db, actor, dialogId, opts);
  if (!access) throw errors.hidden();
  if (!access.member) throw errors.notMember();
  return { dialog: access.dialog, member: access.member };
}

// The errors moved to the catalog's factories; re-exported for the modules that import them from here.
export { dialogNotFound, joinFirst, notParticipant } from '../errors.js';
