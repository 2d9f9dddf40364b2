/** @module actions/participants: who takes part: management add/remove, and a user's own join and leave. */
import type { z } from 'zod';
import type { JoinBody, ParticipantInput } from '@parley/protocol';
import type { Services } from '../context.js';
import { AppError, notFound } from '../errors.js';
import { accessDialog, dialogNotFound, notParticipant } from '../policies/dialogs.js';
import type { Actor } from '../security/identity.js';
import { resolveParticipants } from '../agents/registry.js';
import { participantRow } from './participant-row.js';
import { insertSystemMessage } from './system-messages.js';
import { inTransaction } from './transaction.js';

/** Management add: idempotent; an existing participant's profile is left as it is. */
export async function addParticipant(svc: Services, dialogId: string, input: ParticipantInput): Promise<void> {
  await inTransaction(svc, async (tx) => {
    const [p] = await resolveParticipants(tx.trx, [input]);
    if (!p) return;
    const dialog = await tx.trx
      .selectFrom('dialogs')
      .select(['id', 'message_seq'])
      .where('id', '=', dialogId)
      .forUpdate()
      .executeTakeFirst();
    if (!dialog) throw notFound('Dialog');
    const inserted = await tx.trx
      .insertInto('dialog_participants')
      // Added by the host: starts with nothing unread, as in MTChat.
      .values(participantRow(dialogId, p, { joinedAt: tx.now, joinedAs: 'participant', readSeq: Number(dialog.message_seq) }))
      .onConflict((oc) => oc.columns(['dialog_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (inserted) {
      tx.emit({ type: 'participant.joined', dialog_id: dialogId, user_id: p.user_id, joined_as: 'participant' });
    }
  });
}

/** Management remove: idempotent. */
export async function removeParticipant(svc: Services, dialogId: string, userId: string): Promise<void> {
  await inTransaction(svc, async (tx) => {
    const removed = await tx.trx
      .deleteFrom('dialog_participants')
      .where('dialog_id', '=', dialogId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) > 0) {
      tx.emit({ type: 'participant.left', dialog_id: dialogId, user_id: userId, reason: 'removed' });
    }
  });
}

/** A potential participant (matching scope) joins; the joiner sees every earlier user message as unread. */
export async function joinDialog(svc: Services, actor: Actor, dialogId: string, body: z.output<typeof JoinBody>) {
  // Spec §1.4: join requires a scope (MTChat checks the header before looking at the dialog).
  if (!actor.scope) throw new AppError('BAD_REQUEST', 'X-Scope-Config header required');
  return inTransaction(svc, async (tx) => {
    const access = await accessDialog(tx.trx, actor, dialogId, { lock: true });
    if (!access) throw dialogNotFound();
    if (access.member) throw new AppError('BAD_REQUEST', 'Already a participant');
    // A profile the host put in the token is authoritative; the client's fields fill only what it lacks.
    const profile = { ...body, ...(actor.profile ?? {}) };
    // Every user message still in the dialog is unread for the joiner (deleted ones no longer count).
    const { n } = await tx.trx
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('dialog_id', '=', dialogId)
      .where('message_type', '=', 'user')
      .executeTakeFirstOrThrow();
    await tx.trx
      .insertInto('dialog_participants')
      .values(
        participantRow(
          dialogId,
          { ...profile, user_id: actor.userId, company: profile.company ?? '' },
          { joinedAt: tx.now, joinedAs: 'joined', readSeq: Math.max(0, Number(access.dialog.message_seq) - Number(n)) },
        ),
      )
      .execute();
    await insertSystemMessage(tx, dialogId, { event: 'participant_joined', name: profile.display_name, company: profile.company ?? '' });
    tx.emit({ type: 'participant.joined', dialog_id: dialogId, user_id: actor.userId, joined_as: 'joined' });
    return { dialog_id: dialogId, status: 'joined' as const };
  });
}

/** A participant leaves; unlike MTChat, a non-participant cannot "leave". */
export async function leaveDialog(svc: Services, actor: Actor, dialogId: string) {
  return inTransaction(svc, async (tx) => {
    const access = await accessDialog(tx.trx, actor, dialogId, { lock: true });
    if (!access) throw dialogNotFound();
    if (!access.member) throw notParticipant();
    await tx.trx.deleteFrom('dialog_participants').where('dialog_id', '=', dialogId).where('user_id', '=', actor.userId).execute();
    await insertSystemMessage(tx, dialogId, { event: 'participant_left', name: access.member.display_name || 'Участник' });
    tx.emit({ type: 'participant.left', dialog_id: dialogId, user_id: actor.userId, reason: 'left' });
    return { status: 'left' as const };
  });
}
