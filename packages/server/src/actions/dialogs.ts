/** @module actions/dialogs: Management API writes: create a dialog, delete it, replace its access scopes. */
import type { z } from 'zod';
import type { CreateDialogBody, ReplaceScopesBody, Scope } from '@parley/protocol';
import type { Services } from '../context.js';
import { notFound } from '../errors.js';
import { dialogWire, scopeWire } from '../queries/serialize.js';
import { newId } from '../wire.js';
import { resolveParticipants } from '../agents/registry.js';
import { participantRow } from './participant-row.js';
import { insertSystemMessage } from './system-messages.js';
import { inTransaction, type ActionTx } from './transaction.js';

async function insertScopes(tx: ActionTx, dialogId: string, scopes: readonly Scope[]) {
  if (scopes.length === 0) return [];
  return tx.trx
    .insertInto('dialog_access_scopes')
    .values(scopes.map((s) => ({ id: newId(), dialog_id: dialogId, ...s, created_at: tx.now })))
    .returningAll()
    .execute();
}

/** `opts.id`: a dialog id chosen in advance (a ChatKit thread is its own object). */
export async function createDialog(svc: Services, body: CreateDialogBody, opts: { id?: string } = {}) {
  return inTransaction(svc, async (tx) => {
    const id = opts.id ?? newId();
    const dialog = await tx.trx
      .insertInto('dialogs')
      .values({
        id,
        object_id: body.object_id,
        object_type: body.object_type,
        title: body.title ?? null,
        object_url: body.object_url ?? null,
        created_by: body.participants[0]?.user_id ?? null,
        created_at: tx.now,
        meta: body.meta === undefined || body.meta === null ? null : JSON.stringify(body.meta),
        message_seq: 0,
        last_message_id: null,
        last_message_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    tx.emit({ type: 'dialog.created', dialog_id: id, object_id: dialog.object_id, object_type: dialog.object_type });
    const participants = await resolveParticipants(tx.trx, body.participants);
    if (participants.length > 0) {
      await tx.trx
        .insertInto('dialog_participants')
        .values(participants.map((p) => participantRow(id, p, { joinedAt: tx.now, joinedAs: 'participant', readSeq: 0 })))
        .execute();
      for (const p of participants) tx.emit({ type: 'participant.joined', dialog_id: id, user_id: p.user_id, joined_as: 'participant' });
      await insertSystemMessage(tx, id, {
        event: 'chat_created',
        participants: participants.map((p) => (p.company ? { name: p.display_name, company: p.company } : { name: p.display_name })),
      });
    }
    await insertScopes(tx, id, body.access_scopes);
    return dialogWire(dialog);
  });
}

/** Deletes the dialog and everything in it. Idempotent: deleting a missing dialog succeeds. */
export async function deleteDialog(svc: Services, dialogId: string): Promise<void> {
  await inTransaction(svc, async (tx) => {
    const members = await tx.trx.selectFrom('dialog_participants').select('user_id').where('dialog_id', '=', dialogId).execute();
    const deleted = await tx.trx
      .deleteFrom('dialogs')
      .where('id', '=', dialogId)
      .returning(['object_id', 'object_type'])
      .executeTakeFirst();
    if (deleted) {
      const { object_id, object_type } = deleted;
      tx.emit(
        { type: 'dialog.deleted', dialog_id: dialogId, object_id, object_type },
        members.map((m) => m.user_id),
      );
    }
  });
}

export async function replaceScopes(svc: Services, dialogId: string, body: z.output<typeof ReplaceScopesBody>) {
  return inTransaction(svc, async (tx) => {
    const dialog = await tx.trx.selectFrom('dialogs').select('id').where('id', '=', dialogId).forUpdate().executeTakeFirst();
    if (!dialog) throw notFound('Dialog');
    await tx.trx.deleteFrom('dialog_access_scopes').where('dialog_id', '=', dialogId).execute();
    const rows = await insertScopes(tx, dialogId, body.access_scopes);
    tx.emit({ type: 'dialog.scopes_changed', dialog_id: dialogId });
    return rows.map(scopeWire);
  });
}
