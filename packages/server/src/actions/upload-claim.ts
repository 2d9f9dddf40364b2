/** @module actions/upload-claim: inside the send's transaction, claimAttachments attaches sealed uploads to the message, each at most once. */
import type { AttachmentRow } from '../queries/attachments.js';
import { sanitizeFilename } from '../security/file-content.js';
import type { Actor } from '../security/identity.js';
import type { ActionTx } from './transaction.js';
import { notInStorage, type SealedAttachment } from './upload-seal.js';

/** Inside the send's transaction: attaches the sealed uploads to the message; each upload can be claimed once. */
export async function claimAttachments(
  tx: ActionTx,
  actor: Actor,
  dialogId: string,
  messageId: string,
  sealed: readonly SealedAttachment[],
): Promise<AttachmentRow[]> {
  if (sealed.length === 0) return [];
  const claimed = await tx.trx
    .updateTable('uploads')
    .set({ state: 'claimed' })
    .where(
      'id',
      'in',
      sealed.map((s) => s.upload.id),
    )
    .where('user_id', '=', actor.userId)
    .where('dialog_id', '=', dialogId)
    .where('state', '=', 'sealed')
    .where('claim_until', '>', tx.now)
    .returningAll()
    .execute();
  const byId = new Map(claimed.map((c) => [c.id, c]));
  const missing = sealed.find((s) => !byId.has(s.upload.id));
  if (missing) throw notInStorage(missing.upload.key);
  return tx.trx
    .insertInto('attachments')
    .values(
      sealed.map((s, position) => {
        const u = byId.get(s.upload.id)!;
        return {
          id: u.id,
          message_id: messageId,
          dialog_id: dialogId,
          position,
          s3_key: u.key,
          storage_key: u.sealed_key,
          thumb_key: u.has_thumbnail ? u.thumb_key : null,
          filename: sanitizeFilename(s.input.filename),
          content_type: u.content_type,
          size: u.size,
          width: u.width,
          height: u.height,
          created_at: tx.now,
        };
      }),
    )
    .returningAll()
    .execute();
}
