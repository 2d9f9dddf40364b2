/**
 * @module message-event: a message and its `message.new` event, each projected from the other in one place: the
 * server's log record and a client's recovered messages are events of messages; the reducer and the server's
 * HTTP response are messages of events.
 */
import type { z } from 'zod';
import type { MessageNewEvent } from './events.js';
import type { Attachment, Message } from './models.js';

type MessageNew = z.infer<typeof MessageNewEvent>;

/** The `message.new` of a message as the API shows it (attachments only when it has some). */
export function messageNewEvent(m: Message): MessageNew {
  return {
    type: 'message.new',
    id: m.id,
    dialog_id: m.dialog_id,
    ...(m.sender_id === null ? {} : { sender_id: m.sender_id }),
    content: m.content,
    sent_at: m.sent_at,
    message_type: m.message_type,
    reply_to_id: m.reply_to_id,
    last_edited_at: m.last_edited_at,
    ...(m.attachments && m.attachments.length > 0 ? { attachments: m.attachments } : {}),
  };
}

/** The message a `message.new` stands for; `attachments` as given (the server signs them per reader). */
export function messageOfEvent(
  e: Pick<MessageNew, 'id' | 'dialog_id' | 'sender_id' | 'content' | 'sent_at' | 'last_edited_at' | 'reply_to_id' | 'message_type'>,
  attachments: Attachment[] | undefined,
): Message {
  return {
    id: e.id,
    dialog_id: e.dialog_id,
    sender_id: e.sender_id ?? null,
    content: e.content,
    sent_at: e.sent_at,
    last_edited_at: e.last_edited_at ?? null,
    reply_to_id: e.reply_to_id ?? null,
    message_type: e.message_type,
    ...(attachments && attachments.length > 0 ? { attachments } : {}),
  };
}
