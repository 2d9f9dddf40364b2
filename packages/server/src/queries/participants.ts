/** @module queries/participants: the participant list (potential participants see names only: docs/security.md). */
import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import { participantsOnly } from '../errors.js';
import { accessDialog } from '../policies/dialogs.js';
import type { Actor } from '../security/identity.js';
import { participantWire } from './serialize.js';

export type IsOnline = (userIds: string[]) => Promise<Set<string>>;

export async function listParticipants(db: Kysely<Database>, actor: Actor, dialogId: string, isOnline: IsOnline) {
  const access = await accessDialog(db, actor, dialogId);
  if (!access) throw participantsOnly();
  const rows = await db
    .selectFrom('dialog_participants')
    .selectAll()
    .where('dialog_id', '=', dialogId)
    .orderBy('joined_at')
    .orderBy('user_id')
    .execute();
  const online = await isOnline(rows.map((r) => r.user_id));
  return rows.map((r) => ({
    ...participantWire(r, access.dialog.message_seq, { outsider: !access.member }),
    is_online: online.has(r.user_id),
  }));
}
