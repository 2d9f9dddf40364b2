/**
 * @module queries/message-record: a message as ONE record, the payload of its `message.new` in the log: the
 * message as the API shows it, its attachments (as stored: links are signed for each reader, since they expire),
 * its dialog's object ids and its `seq`. The HTTP response, the realtime frame (realtime/frames.ts) and the
 * webhook (events/webhooks/payloads.ts) are projections of this record, never rebuilt from other rows.
 */
import { messageNewEvent, messageOfEvent, type Attachment, type Message, type NewDialogEvent } from '@parley/protocol';
import { attachmentWire, type AttachmentRow, type FileLinks } from './attachments.js';
import { messageWire, type MessageRow } from './serialize.js';

/** An attachment as the log keeps it: what the wire shows, and the keys its links are signed for. */
export type StoredAttachment = Pick<
  AttachmentRow,
  'id' | 'filename' | 'content_type' | 'width' | 'height' | 'storage_key' | 'thumb_key'
> & {
  size: number;
};

type MessageNew = Extract<NewDialogEvent, { type: 'message.new' }>;
/** `message.new` as logged: `files` in place of `attachments` (which the wire gets signed). */
export type MessageRecord = Omit<MessageNew, 'attachments'> & { files?: StoredAttachment[] };

type AttachmentsUpdated = Extract<NewDialogEvent, { type: 'message.attachments_updated' }>;
/** `message.attachments_updated` as logged: `files` in place of `attachments`, like `message.new`. */
export type AttachmentsUpdatedRecord = Omit<AttachmentsUpdated, 'attachments'> & { files: StoredAttachment[] };

/** The record of attachments of a message that changed after the send (a thumbnail became ready). */
export function attachmentsUpdated(messageId: string, dialogId: string, rows: readonly AttachmentRow[]): AttachmentsUpdatedRecord {
  return { type: 'message.attachments_updated', id: messageId, dialog_id: dialogId, files: rows.map(stored) };
}

/** The record of a message just written; `attachments` in their order within the message. */
export function messageRecord(
  row: MessageRow,
  dialog: { object_id: string; object_type: string },
  attachments: readonly AttachmentRow[] = [],
  clientMessageId?: string,
): MessageRecord {
  return {
    ...messageNewEvent(messageWire(row)),
    ...(clientMessageId === undefined ? {} : { client_message_id: clientMessageId }),
    ...(attachments.length === 0 ? {} : { files: attachments.map(stored) }),
    seq: Number(row.seq),
    object_id: dialog.object_id,
    object_type: dialog.object_type,
  };
}

function stored(a: AttachmentRow): StoredAttachment {
  return {
    id: a.id,
    filename: a.filename,
    content_type: a.content_type,
    size: Number(a.size),
    width: a.width,
    height: a.height,
    storage_key: a.storage_key,
    thumb_key: a.thumb_key,
  };
}

/** The attachments with fresh links (undefined when there are none). */
export async function signedAttachments(
  files: readonly StoredAttachment[] | undefined,
  links: FileLinks,
): Promise<Attachment[] | undefined> {
  if (!files || files.length === 0) return undefined;
  return Promise.all(files.map((f) => attachmentWire(links, f)));
}

/** The HTTP projection: MTChat's message object, attachments last and only when there are some. */
export async function messageOf(r: MessageRecord, links: FileLinks): Promise<Message> {
  return messageOfEvent(r, await signedAttachments(r.files, links));
}
