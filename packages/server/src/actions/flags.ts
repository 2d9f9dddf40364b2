/** @module actions/flags: a participant's own settings for a dialog (archive, pin, notifications) and read position. */
import { sql } from 'kysely';
import type { Services } from '../context.js';
import { messageNotFound, notFound, notParticipant, participantsOnly } from '../errors.js';
import { accessAsMember, accessDialog } from '../policies/dialogs.js';
import type { Actor } from '../security/identity.js';
import { inTransaction } from './transaction.js';

/** Fresh errors for each call: an error instance is never thrown twice. */
const notMember = () => ({ hidden: notParticipant, notMember: notParticipant });

type Flag = 'archived' | 'pinned';

/** Archive/unarchive/pin/unpin. Idempotent; an event goes to the user's other devices when the flag changes. */
export async function setFlag(svc: Services, actor: Actor, dialogId: string, flag: Flag, value: boolean) {
  return inTransaction(svc, async (tx) => {
    const { member } = await accessAsMember(tx.trx, actor, dialogId, notMember());
    const column = flag === 'archived' ? 'is_archived' : 'is_pinned';
    if (member[column] !== value) {
      await tx.trx
        .updateTable('dialog_participants')
        .set({ [column]: value })
        .where('dialog_id', '=', dialogId)
        .where('user_id', '=', actor.userId)
        .execute();
      const type = flag === 'archived' ? (value ? 'dialog.archived' : 'dialog.unarchived') : value ? 'dialog.pinned' : 'dialog.unpinned';
      tx.emit({ type, dialog_id: dialogId, user_id: actor.userId });
    }
    const status = flag === 'archived' ? (value ? 'archived' : 'unarchived') : value ? 'pinned' : 'unpinned';
    return { status };
  });
}

export async function setNotifications(svc: Services, actor: Actor, dialogId: string, enabled: boolean) {
  return inTransaction(svc, async (tx) => {
    const { member } = await accessAsMember(tx.trx, actor, dialogId, notMember());
    if (member.notifications_enabled !== enabled) {
      await tx.trx
        .updateTable('dialog_participants')
        .set({ notifications_enabled: enabled })
        .where('dialog_id', '=', dialogId)
        .where('user_id', '=', actor.userId)
        .execute();
      tx.emit({ type: 'dialog.notifications', dialog_id: dialogId, user_id: actor.userId, enabled });
    }
    return { status: enabled ? 'enabled' : 'disabled' };
  });
}

/**
 * Moves the read position forward to `messageId`, which must be a message of this dialog. A position never
 * moves backwards; unread becomes the number of user messages after it.
 */
export async function markRead(svc: Services, actor: Actor, dialogId: string, messageId: string) {
  return inTransaction(svc, async (tx) => {
    const access = await accessDialog(tx.trx, actor, dialogId);
    if (!access) throw notFound('Dialog');
    if (!access.member) throw participantsOnly();
    const message = await tx.trx
      .selectFrom('messages')
      .select(['id', 'seq'])
      .where('id', '=', messageId)
      .where('dialog_id', '=', dialogId)
      .executeTakeFirst();
    if (!message) throw messageNotFound();
    // A participant added by the host has no read message yet but starts with nothing unread (read_seq at the
    // dialog's sequence): its first read sets the message and keeps the count where it is.
    const moved = await tx.trx
      .updateTable('dialog_participants')
      .set({ last_read_message_id: message.id, read_seq: sql`GREATEST(read_seq, ${message.seq})` })
      .where('dialog_id', '=', dialogId)
      .where('user_id', '=', actor.userId)
      .where((eb) => eb.or([eb('last_read_message_id', 'is', null), eb('last_read_message_id', '<', message.id)]))
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) > 0) {
      tx.emit({ type: 'message.read', dialog_id: dialogId, user_id: actor.userId, last_read_message_id: message.id });
    }
    return { success: true };
  });
}
