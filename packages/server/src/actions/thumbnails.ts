/**
 * @module actions/thumbnails: makes an upload's thumbnail in the background (files/thumbnail-queue.ts) once it is
 * sealed. The send never waits for it and never fails because of it: a thumbnail that is not ready, not possible
 * or dropped leaves the attachment without `thumbnail_url`. Whoever owns the upload by then gets the thumbnail:
 * an upload not yet sent takes it into its message.new; an attachment already sent gets it with a
 * `message.attachments_updated` event, so readers show it without refetching.
 */
import type { Selectable } from 'kysely';
import type { UploadsTable } from '../adapters/db/schema.js';
import { makeThumbnail } from '../adapters/files/thumbnails.js';
import type { Services } from '../context.js';
import { attachmentsUpdated } from '../queries/message-record.js';
import { inTransaction } from './transaction.js';

type UploadRow = Selectable<UploadsTable>;

export function scheduleThumbnail(svc: Services, upload: UploadRow): void {
  if (!svc.files.thumbnails.add(() => thumbnailUpload(svc, upload))) {
    svc.log.warn({ upload: upload.id }, 'thumbnail queue full: the image is attached without a thumbnail');
  }
}

async function thumbnailUpload(svc: Services, upload: UploadRow): Promise<void> {
  const store = svc.files.store;
  const thumbnail = await makeThumbnail(await store.read(upload.sealed_key, Number(upload.size)), (err) =>
    svc.log.warn({ err, upload: upload.id }, 'thumbnail: the image does not decode; it is attached without one'),
  );
  if (!thumbnail) return;
  await store.write(upload.thumb_key, thumbnail, 'image/webp');
  const db = svc.db.kysely;
  // Still unclaimed: the claim copies has_thumbnail onto the attachment (and an expired upload's row deletes it).
  const owner = await db
    .updateTable('uploads')
    .set({ has_thumbnail: true })
    .where('id', '=', upload.id)
    .returning('state')
    .executeTakeFirst();
  if (owner && owner.state !== 'claimed') return;
  // Claimed (attachments share the upload's id), or the upload row is gone: the attachment, if any, takes it.
  const attached = await inTransaction(svc, async (tx) => {
    const row = await tx.trx
      .updateTable('attachments')
      .set({ thumb_key: upload.thumb_key })
      .where('id', '=', upload.id)
      .returningAll()
      .executeTakeFirst();
    if (!row) return false;
    const message = await tx.trx.selectFrom('messages').select('dialog_id').where('id', '=', row.message_id).executeTakeFirst();
    if (message) tx.emit(attachmentsUpdated(row.message_id, message.dialog_id, [row]));
    return true;
  });
  if (!attached) await store.delete(upload.thumb_key);
}
