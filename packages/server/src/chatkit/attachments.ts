/**
 * @module chatkit/attachments: ChatKit's two-phase upload on Parley's presign/seal/claim flow. `attachments.create`
 * reserves an upload bound to the user, type and size but to no thread yet (keys under `uploads/`); the first user
 * message that names it seals it and binds it to that message's thread, then the send claims it as any Chat API
 * attachment. Another user's attachment does not exist (404).
 */
import { reserveUpload, sealUploads, type SealedAttachment } from '../actions/uploads.js';
import type { Services } from '../context.js';
import { AppError, attachmentNotFound } from '../errors.js';
import type { Links } from '../http/links.js';
import { fileLink, type FileLinks } from '../queries/attachments.js';
import { THUMBNAIL_TYPES } from '../security/file-content.js';
import type { Actor } from '../security/identity.js';
import { isId } from './threads.js';

/** ChatKit's Attachment, in chatkit-python's field order (`metadata` is never sent). */
export interface ChatKitAttachment {
  id: string;
  name: string;
  mime_type: string;
  upload_descriptor?: { url: string; method: 'PUT'; headers: Record<string, string> };
  thread_id?: string;
  type: 'file' | 'image';
  preview_url?: string;
}

interface StoredFile {
  id: string;
  filename: string;
  content_type: string;
}

/** The wire shape; an image gets a preview URL of `key` (required by ChatKit for images). */
async function attachmentWire(links: FileLinks, f: StoredFile, key: string, extra: Partial<ChatKitAttachment>): Promise<ChatKitAttachment> {
  const image = THUMBNAIL_TYPES.has(f.content_type);
  return {
    id: f.id,
    name: f.filename,
    mime_type: f.content_type,
    ...extra,
    type: image ? 'image' : 'file',
    ...(image ? { preview_url: await fileLink(links, key, f.content_type, f.filename) } : {}),
  };
}

/** attachments.create: phase one. The client then sends the bytes as `upload_descriptor` says (one PUT). */
export async function createAttachment(
  svc: Services,
  actor: Actor,
  params: { name: string; size: number; mime_type: string },
  links: Links,
): Promise<ChatKitAttachment> {
  const reserved = await reserveUpload(svc, actor, {
    dialogId: null,
    filename: params.name,
    contentType: params.mime_type,
    size: params.size,
  });
  const headers: Record<string, string> = params.mime_type === '' ? {} : { 'content-type': params.mime_type };
  return attachmentWire(links, { id: reserved.id, filename: reserved.filename, content_type: params.mime_type }, reserved.grant.key, {
    upload_descriptor: { url: await links.upload(reserved.grant), method: 'PUT', headers },
  });
}

/** attachments.delete: only one's own attachment that no message has taken yet. */
export async function deleteAttachment(svc: Services, actor: Actor, attachmentId: string): Promise<void> {
  if (!isId(attachmentId)) throw attachmentNotFound();
  const row = await svc.db.kysely
    .selectFrom('uploads')
    .select(['state', 'claim_until'])
    .where('id', '=', attachmentId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!row || new Date(row.claim_until) <= svc.now()) throw attachmentNotFound();
  if (row.state === 'claimed') throw new AppError('CONFLICT', 'This attachment belongs to a message: delete the message instead');
  const gone = await svc.db.kysely
    .deleteFrom('uploads')
    .where('id', '=', attachmentId)
    .where('user_id', '=', actor.userId)
    .where('state', 'in', ['pending', 'sealed'])
    .executeTakeFirst();
  if (Number(gone.numDeletedRows) === 0) throw new AppError('CONFLICT', 'This attachment is being attached to a message');
}

/**
 * Before a user message is written: the named attachments must be the actor's, unexpired, unused and free or
 * already bound to this thread (`dialogId`; null while the thread is still to be created). Seals them (the
 * uploaded bytes are checked as for any Chat API attachment); a missing or wrong upload is a 400 here, before
 * anything is stored.
 */
export async function sealForMessage(
  svc: Services,
  actor: Actor,
  ids: readonly string[],
  dialogId: string | null,
): Promise<SealedAttachment[]> {
  if (ids.length === 0) return [];
  if (new Set(ids).size !== ids.length) throw new AppError('INVALID_INPUT', 'The same attachment is named more than once');
  if (!ids.every(isId)) throw attachmentNotFound();
  const rows = await svc.db.kysely
    .selectFrom('uploads')
    .selectAll()
    .where('id', 'in', [...ids])
    .where('user_id', '=', actor.userId)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const now = svc.now();
  const found = ids.map((id) => {
    const upload = byId.get(id);
    if (!upload || new Date(upload.claim_until) <= now) throw attachmentNotFound();
    if (upload.state === 'claimed') throw new AppError('CONFLICT', `Attachment ${id} already belongs to a message`);
    if (upload.dialog_id !== null && upload.dialog_id !== dialogId)
      throw new AppError('CONFLICT', `Attachment ${id} belongs to another thread`);
    const input = { s3_key: upload.key, filename: upload.filename, content_type: upload.content_type, size: Number(upload.size) };
    return { upload, input };
  });
  return sealUploads(svc, found);
}

/**
 * Binds sealed attachments to the thread their message goes to (so the send can claim them) and answers the
 * item's `attachments`. Losing a race for one (another thread bound it first) is a 409.
 */
export async function bindToThread(
  svc: Services,
  actor: Actor,
  dialogId: string,
  sealed: readonly SealedAttachment[],
  links: FileLinks,
): Promise<ChatKitAttachment[]> {
  if (sealed.length === 0) return [];
  const ids = sealed.map((s) => s.upload.id);
  const bound = await svc.db.kysely
    .updateTable('uploads')
    .set({ dialog_id: dialogId })
    .where('id', 'in', ids)
    .where('user_id', '=', actor.userId)
    .where((eb) => eb.or([eb('dialog_id', 'is', null), eb('dialog_id', '=', dialogId)]))
    .returning('id')
    .execute();
  if (bound.length !== ids.length) throw new AppError('CONFLICT', 'An attachment was bound to another thread meanwhile');
  return Promise.all(sealed.map((s) => attachmentWire(links, s.upload, s.upload.sealed_key, { thread_id: dialogId })));
}

/**
 * Reads: an image attachment's `preview_url` is re-signed from the attachment it became (a stored one was signed
 * at send time and expires like every download link). One query per page.
 */
export async function withFreshPreviews<T extends { type: string }>(svc: Services, links: FileLinks, items: T[]): Promise<T[]> {
  const ids = items.flatMap((i) =>
    i.type === 'user_message'
      ? ((i as { attachments?: ChatKitAttachment[] }).attachments ?? []).filter((a) => a.preview_url).map((a) => a.id)
      : [],
  );
  if (ids.length === 0) return items;
  const rows = await svc.db.kysely
    .selectFrom('attachments')
    .select(['id', 'filename', 'content_type', 'storage_key'])
    .where('id', 'in', ids)
    .execute();
  const fresh = new Map(
    await Promise.all(rows.map(async (r) => [r.id, await fileLink(links, r.storage_key, r.content_type, r.filename)] as const)),
  );
  return items.map((i) => {
    const attachments = (i as { attachments?: ChatKitAttachment[] }).attachments;
    if (i.type !== 'user_message' || !attachments?.some((a) => fresh.has(a.id))) return i;
    return { ...i, attachments: attachments.map((a) => (fresh.has(a.id) ? { ...a, preview_url: fresh.get(a.id) } : a)) };
  });
}
