/**
 * @module actions/upload-presign: presignUpload binds an upload to one user, dialog, server-made key, content type
 * and size, within the user's quota (a ChatKit attachment: no dialog until first use). See docs/files.md.
 */
import { sql } from 'kysely';
import { ALLOWED_CONTENT_TYPES, isAllowedContentType, LIMITS, type PresignBody } from '@parley/protocol';
import { stagedUploadKeys, uploadKeys, type UploadGrant } from '../adapters/files/port.js';
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
  const reserved = await reserveUpload(svc, actor, {
    dialogId: body.dialog_id,
    filename: body.filename,
    contentType: body.content_type,
    size: body.size,
  });
  return reserved.grant;
}

export interface UploadRequest {
  /** The dialog the file is for (the actor must take part), or null for a ChatKit attachment bound on first use. */
  dialogId: string | null;
  filename: string;
  contentType: string;
  size: number;
}

/** A recorded upload: its id, its clean file name, and what the one URL that may write it may do (signed at the edge). */
export interface ReservedUpload {
  id: string;
  filename: string;
  grant: UploadGrant;
}

/** Checks type, size and quota and records the pending upload. */
export async function reserveUpload(svc: Services, actor: Actor, req: UploadRequest): Promise<ReservedUpload> {
  if (!isAllowedContentType(req.contentType)) {
    throw new AppError(
      'UNSUPPORTED_FILE_TYPE',
      `File type '${req.contentType}' is not allowed. Allowed types: [${ALLOWED_CONTENT_TYPES.join(', ')}]`,
    );
  }
  if (req.size < 1 || req.size > LIMITS.attachmentMaxBytes) {
    throw new AppError('FILE_TOO_LARGE', `File size must be between 1 byte and ${LIMITS.attachmentMaxBytes} bytes`);
  }
  const settings = svc.files.settings;
  const id = newId();
  const filename = sanitizeFilename(req.filename);
  const ext = safeExtension(filename, req.contentType);
  const keys = req.dialogId === null ? stagedUploadKeys(id, ext) : uploadKeys(req.dialogId, id, ext);
  const { dialogId } = req;
  await inTransaction(svc, async (tx) => {
    if (dialogId !== null) await accessAsMember(tx.trx, actor, dialogId, { hidden: dialogNotFound, notMember: joinFirst });
    await checkUploadQuota(tx, actor.userId, req.size, settings.uploadQuotaBytes);
    await tx.trx
      .insertInto('uploads')
      .values({
        id,
        key: keys.key,
        dialog_id: dialogId,
        user_id: actor.userId,
        filename,
        content_type: req.contentType,
        size: req.size,
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
  return {
    id,
    filename,
    grant: { key: keys.key, contentType: req.contentType, size: req.size, expiresIn: settings.uploadExpirySecs },
  };
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
