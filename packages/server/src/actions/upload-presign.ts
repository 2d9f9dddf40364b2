/** @module actions/upload-presign: presignUpload binds an upload to one user, dialog, server-made key, content type and size, within the user's quota. See docs/files.md. */
import { sql } from 'kysely';
import { ALLOWED_CONTENT_TYPES, isAllowedContentType, LIMITS, type PresignBody } from '@parley/protocol';
import { uploadKeys, type UploadGrant } from '../adapters/files/port.js';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { accessAsMember, dialogNotFound, joinFirst } from '../policies/dialogs.js';
import { safeExtension, sanitizeFilename } from '../security/file-content.js';
import type { Actor } from '../security/identity.js';
import { newId } from '../wire.js';
import { inTransaction, type ActionTx } from './transaction.js';

const addSeconds = (d: Date, s: number) => new Date(d.getTime() + s * 1000);

/** Records the upload and returns what its URL may do; the HTTP edge signs the URL (http/links.ts). */
export async function presignUpload(svc: Services, actor: Actor, body: PresignBody): Promise<UploadGrant> {
  if (!isAllowedContentType(body.content_type)) {
    throw new AppError(
      'UNSUPPORTED_FILE_TYPE',
      `File type '${body.content_type}' is not allowed. Allowed types: [${ALLOWED_CONTENT_TYPES.join(', ')}]`,
    );
  }
  if (body.size < 1 || body.size > LIMITS.attachmentMaxBytes) {
    throw new AppError('FILE_TOO_LARGE', `File size must be between 1 byte and ${LIMITS.attachmentMaxBytes} bytes`);
  }
  const settings = svc.files.settings;
  const id = newId();
  const filename = sanitizeFilename(body.filename);
  const keys = uploadKeys(body.dialog_id, id, safeExtension(filename, body.content_type));
  await inTransaction(svc, async (tx) => {
    await accessAsMember(tx.trx, actor, body.dialog_id, { hidden: dialogNotFound(), notMember: joinFirst() });
    await checkUploadQuota(tx, actor.userId, body.size, settings.uploadQuotaBytes);
    await tx.trx
      .insertInto('uploads')
      .values({
        id,
        key: keys.key,
        dialog_id: body.dialog_id,
        user_id: actor.userId,
        filename,
        content_type: body.content_type,
        size: body.size,
        sealed_key: keys.sealedKey,
        thumb_key: keys.thumbKey,
        created_at: tx.now,
        url_expires_at: addSeconds(tx.now, settings.uploadExpirySecs),
        claim_until: addSeconds(tx.now, settings.claimWindowSecs),
        state: 'pending',
        lease_token: null,
        lease_until: null,
        width: null,
        height: null,
        has_thumbnail: false,
      })
      .execute();
  });
  return { key: keys.key, contentType: body.content_type, size: body.size, expiresIn: settings.uploadExpirySecs };
}

/**
 * A user's unattached uploads (presigned, not yet claimed by a message, not expired) may reserve at most
 * UPLOAD_QUOTA_BYTES. Presigns of one user are serialized by a transaction-scoped advisory lock, so a burst
 * cannot pass the check together.
 */
async function checkUploadQuota(tx: ActionTx, userId: string, size: number, quota: number): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`parley:upload-quota:${userId}`}))`.execute(tx.trx);
  const row = await tx.trx
    .selectFrom('uploads')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string | number>('size'), sql<number>`0`).as('pending'))
    .where('user_id', '=', userId)
    .where('state', '<>', 'claimed')
    .where('claim_until', '>', tx.now)
    .executeTakeFirst();
  const pending = Number(row?.pending ?? 0);
  if (pending + size > quota) {
    throw new AppError(
      'UPLOAD_QUOTA_EXCEEDED',
      `Unattached uploads would take ${pending + size} bytes, over the ${quota}-byte quota: attach or let some expire first`,
    );
  }
}
