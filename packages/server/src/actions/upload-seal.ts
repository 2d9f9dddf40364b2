/**
 * @module actions/upload-seal: before a send, sealAttachments copies each upload to a key no upload URL reaches,
 * checks the copy (stored size and type, magic number, image dimensions) and queues the thumbnail. See docs/files.md.
 */
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { isAllowedContentType, LIMITS, type SendMessageBody } from '@parley/protocol';
import type { UploadsTable } from '../adapters/db/schema.js';
import { bmpDimensions, imageFacts, THUMBNAIL_MAX_SOURCE_BYTES } from '../adapters/files/thumbnails.js';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { accessAsMember, dialogNotFound, joinFirst } from '../policies/dialogs.js';
import { sentWithClientId } from '../queries/messages.js';
import { matchesDeclaredType, SNIFF_BYTES, THUMBNAIL_TYPES } from '../security/file-content.js';
import type { Actor } from '../security/identity.js';
import { scheduleThumbnail } from './thumbnails.js';

type UploadRow = Selectable<UploadsTable>;
type AttachmentInput = SendMessageBody['attachments'][number];

/** How long one send may hold an upload while it checks it; a crashed send's lease simply runs out. */
const SEAL_LEASE_MS = 120_000;

export const notInStorage = (key: string) => new AppError('BAD_REQUEST', `File not found in storage: ${key}`);
export interface SealedAttachment {
  upload: UploadRow;
  input: AttachmentInput;
}

/** MTChat's checks of a referenced key, in its order: the key's shape, then the declared type and size. */
function checkReference(dialogId: string, a: AttachmentInput): void {
  const key = a.s3_key;
  if (key.includes('..') || /%2e/i.test(key) || key.includes('\u0000') || !key.startsWith(`dialogs/${dialogId}/`)) {
    throw new AppError('INVALID_INPUT', `Invalid attachment key: ${key}`);
  }
  if (!isAllowedContentType(a.content_type)) throw new AppError('BAD_REQUEST', `File type '${a.content_type}' is not allowed`);
  if (a.size < 1 || a.size > LIMITS.attachmentMaxBytes) throw new AppError('BAD_REQUEST', 'Invalid file size');
}

/**
 * Everything a send checks about its attachments before its transaction: the sender takes part in the dialog,
 * at most 10 files, each the sender's own unexpired, unclaimed upload for this dialog with the declared type and
 * size, each sealed (checked copy, thumbnail). Returns nothing when the message was already sent (a retry).
 */
export async function sealAttachments(svc: Services, actor: Actor, dialogId: string, body: SendMessageBody): Promise<SealedAttachment[]> {
  const db = svc.db.kysely;
  await accessAsMember(db, actor, dialogId, { hidden: dialogNotFound, notMember: joinFirst });
  if (body.client_message_id !== undefined && (await sentWithClientId(db, dialogId, actor.userId, body.client_message_id))) return [];
  if (body.attachments.length > LIMITS.attachmentsPerMessage) {
    throw new AppError('BAD_REQUEST', `Maximum ${LIMITS.attachmentsPerMessage} attachments per message`);
  }
  for (const a of body.attachments) checkReference(dialogId, a);
  const keys = body.attachments.map((a) => a.s3_key);
  if (new Set(keys).size !== keys.length) throw new AppError('INVALID_INPUT', 'The same file is attached more than once');
  const now = svc.now();
  const rows = await db
    .selectFrom('uploads')
    .selectAll()
    .where('key', 'in', keys)
    .where('user_id', '=', actor.userId)
    .where('dialog_id', '=', dialogId)
    .execute();
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const found = body.attachments.map((input) => {
    const upload = byKey.get(input.s3_key);
    if (!upload || upload.state === 'claimed' || new Date(upload.claim_until) <= now) throw notInStorage(input.s3_key);
    if (upload.content_type !== input.content_type || Number(upload.size) !== input.size) {
      throw new AppError(
        'BAD_REQUEST',
        `Attachment does not match its upload (content type and size must be the presigned ones): ${input.s3_key}`,
      );
    }
    return { upload, input };
  });
  return sealUploads(svc, found);
}

/** Seals each found upload in turn (see sealOne); the caller has checked that they are the actor's to attach. */
export async function sealUploads(svc: Services, found: readonly SealedAttachment[]): Promise<SealedAttachment[]> {
  const sealed: SealedAttachment[] = [];
  for (const f of found) sealed.push({ upload: await sealOne(svc, f.upload), input: f.input });
  return sealed;
}

/** Takes the upload's lease, or learns that it is already sealed (by an earlier attempt) or busy. */
async function takeLease(svc: Services, upload: UploadRow): Promise<{ row: UploadRow; token?: string }> {
  const now = svc.now();
  const token = randomBytes(12).toString('base64url');
  const leased = await svc.db.kysely
    .updateTable('uploads')
    .set({ state: 'sealing', lease_token: token, lease_until: new Date(now.getTime() + SEAL_LEASE_MS) })
    .where('id', '=', upload.id)
    .where('claim_until', '>', now)
    .where((eb) => eb.or([eb('state', '=', 'pending'), eb.and([eb('state', '=', 'sealing'), eb('lease_until', '<', now)])]))
    .returningAll()
    .executeTakeFirst();
  if (leased) return { row: leased, token };
  const current = await svc.db.kysely.selectFrom('uploads').selectAll().where('id', '=', upload.id).executeTakeFirst();
  if (current?.state === 'sealed') return { row: current };
  if (current?.state === 'sealing') throw new AppError('BAD_REQUEST', `File is still being checked, retry shortly: ${upload.key}`);
  throw notInStorage(upload.key);
}

/**
 * Copies the upload to its sealed key (which no upload URL can write), then checks the copy: present, the
 * presigned size and type, first bytes of that type; raster images get dimensions (from the header) and, when
 * decoding fits THUMBNAIL_MAX_DECODE_BYTES, a thumbnail made in the background after the seal. A failed
 * check puts the upload back to pending (the client may upload again while its URL lasts).
 */
async function sealOne(svc: Services, upload: UploadRow): Promise<UploadRow> {
  if (upload.state === 'sealed') return upload;
  const { row, token } = await takeLease(svc, upload);
  if (!token) return row;
  const store = svc.files.store;
  const release = () =>
    svc.db.kysely
      .updateTable('uploads')
      .set({ state: 'pending', lease_token: null, lease_until: null })
      .where('id', '=', row.id)
      .where('lease_token', '=', token)
      .execute();
  try {
    if (!(await store.copy(row.key, row.sealed_key))) throw notInStorage(row.key);
    const info = await store.head(row.sealed_key);
    const size = Number(row.size);
    if (!info) throw notInStorage(row.key);
    if (info.size !== size)
      throw new AppError('BAD_REQUEST', `Stored file size ${info.size} does not match the presigned size ${size}: ${row.key}`);
    // An untyped upload carries whatever type the store gave it; it is only ever served as an opaque download.
    if (row.content_type !== '' && info.contentType !== row.content_type)
      throw new AppError('BAD_REQUEST', `Stored file type does not match the presigned type: ${row.key}`);
    const head = await store.read(row.sealed_key, SNIFF_BYTES);
    if (!matchesDeclaredType(row.content_type, head)) {
      throw new AppError('UNSUPPORTED_FILE_TYPE', `File content does not match its declared type '${row.content_type}': ${row.key}`);
    }
    let dims: { width: number; height: number } | undefined;
    let thumbnail = false;
    if (THUMBNAIL_TYPES.has(row.content_type) && size <= THUMBNAIL_MAX_SOURCE_BYTES) {
      const facts = await imageFacts(await store.read(row.sealed_key, size));
      if (facts) dims = { width: facts.width, height: facts.height };
      thumbnail = facts !== undefined && facts.decodeBytes <= svc.files.settings.thumbnailMaxDecodeBytes;
    } else if (row.content_type === 'image/bmp') {
      dims = bmpDimensions(head);
    }
    const sealed = await svc.db.kysely
      .updateTable('uploads')
      .set({
        state: 'sealed',
        lease_token: null,
        lease_until: null,
        width: dims?.width ?? null,
        height: dims?.height ?? null,
        has_thumbnail: false,
      })
      .where('id', '=', row.id)
      .where('lease_token', '=', token)
      .returningAll()
      .executeTakeFirst();
    if (!sealed) throw notInStorage(row.key);
    if (thumbnail) scheduleThumbnail(svc, sealed);
    return sealed;
  } catch (err) {
    await release();
    throw err;
  }
}
