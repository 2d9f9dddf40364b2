/**
 * @module queries/attachments: attachments as the wire shows them, each with a fresh, expiring download URL (and
 * a thumbnail URL for raster images). Pages load the attachments of all their messages in one query.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Attachment, Message } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import type { AttachmentsTable } from '../adapters/db/schema.js';
import type { DownloadGrant } from '../adapters/files/port.js';
import { attachmentNotFound } from '../errors.js';
import { accessAsMember } from '../policies/dialogs.js';
import type { Actor } from '../security/identity.js';
import { servingHeaders } from '../security/file-content.js';
import { compact } from '../wire.js';

type Q = Kysely<Database> | Transaction<Database>;
export type AttachmentRow = Selectable<AttachmentsTable>;

/** Signs the download links of one reader (made by the link signer at the HTTP edge, http/links.ts). */
export interface FileLinks {
  download(grant: DownloadGrant): Promise<string>;
  readonly downloadExpirySecs: number;
}

/** A fresh, expiring download URL of one stored object, served with the headers its type allows. */
export async function fileLink(links: FileLinks, key: string, contentType: string, filename: string): Promise<string> {
  const serving = servingHeaders(contentType, filename);
  return links.download({
    key,
    contentType: serving.contentType,
    disposition: serving.disposition,
    expiresIn: links.downloadExpirySecs,
  });
}

function thumbnailName(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return `${dot > 0 ? filename.slice(0, dot) : filename}.thumb.webp`;
}

/** MTChat's AttachmentResponse: width, height and thumbnail_url omitted when absent. */
export async function attachmentWire(
  links: FileLinks,
  row: Pick<AttachmentRow, 'id' | 'filename' | 'content_type' | 'width' | 'height' | 'storage_key' | 'thumb_key'> & { size: unknown },
): Promise<Attachment> {
  const [url, thumbnail] = await Promise.all([
    fileLink(links, row.storage_key, row.content_type, row.filename),
    row.thumb_key ? fileLink(links, row.thumb_key, 'image/webp', thumbnailName(row.filename)) : undefined,
  ]);
  return compact({
    id: row.id,
    filename: row.filename,
    content_type: row.content_type,
    size: Number(row.size),
    width: row.width ?? undefined,
    height: row.height ?? undefined,
    url,
    thumbnail_url: thumbnail,
  });
}

/** The attachment rows of these messages, by message and in their order within each: one query. */
export async function attachmentRows(db: Q, messageIds: readonly string[]): Promise<AttachmentRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('message_id', 'in', [...messageIds])
    .orderBy('message_id')
    .orderBy('position')
    .execute();
}

/** The attachments of these messages, in their order within each message: one query for the whole page. */
export async function attachmentsByMessage(db: Q, links: FileLinks, messageIds: readonly string[]): Promise<Map<string, Attachment[]>> {
  const byMessage = new Map<string, Attachment[]>();
  const rows = await attachmentRows(db, messageIds);
  const wires = await Promise.all(rows.map((r) => attachmentWire(links, r)));
  rows.forEach((r, i) => {
    const list = byMessage.get(r.message_id) ?? [];
    list.push(wires[i]!);
    byMessage.set(r.message_id, list);
  });
  return byMessage;
}

/** A message with its attachments appended, only when it has some (as MTChat serializes it). */
export function withAttachments(message: Message, attachments: Attachment[] | undefined): Message {
  return attachments && attachments.length > 0 ? { ...message, attachments } : message;
}

/** GET /attachments/{id}/url: participants of the attachment's dialog only; to anyone else it does not exist. */
export async function getAttachmentUrl(db: Kysely<Database>, links: FileLinks, actor: Actor, id: string) {
  const row = await db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw attachmentNotFound();
  await accessAsMember(db, actor, row.dialog_id, { hidden: attachmentNotFound, notMember: attachmentNotFound });
  const wire = await attachmentWire(links, row);
  return { expires_in: links.downloadExpirySecs, thumbnail_url: wire.thumbnail_url ?? null, url: wire.url };
}
