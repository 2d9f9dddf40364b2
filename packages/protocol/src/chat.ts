/** @module chat: request schemas of the Chat API (end users, short-lived tokens). */
import { z } from 'zod';
import { byteText, externalId, ParticipantProfileInput, Uuid } from './common.js';
import { LIMITS } from './limits.js';

const queryBool = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');
const queryInt = (max?: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { message: 'must be a non-negative integer' })
    .transform(Number)
    .transform((n) => (max === undefined ? n : Math.min(n, max)));

export const ListDialogsQuery = z.object({
  type: z.string().optional(),
  search: z.string().max(200).optional(),
  archived: queryBool.optional(),
  limit: queryInt(LIMITS.dialogsPageMax).optional(),
  offset: queryInt().optional(),
});

export const ListByObjectQuery = z.object({
  type: z.string().optional(),
  search: z.string().max(200).optional(),
  archived: queryBool.optional(),
});

export const ByObjectParams = z.object({
  object_type: externalId('object_type', LIMITS.objectTypeChars),
  object_id: externalId('object_id'),
});

export const DialogParams = z.object({ id: Uuid });
export const MessageParams = z.object({ dialog_id: Uuid, id: Uuid });
export const DialogMessagesParams = z.object({ dialog_id: Uuid });

export const JoinBody = ParticipantProfileInput.extend({
  company: byteText('company', LIMITS.companyBytes),
});

export const NotificationsBody = z.object({ enabled: z.boolean() });
export const ReadBody = z.object({ last_read_message_id: Uuid });

export const ListMessagesQuery = z.object({
  limit: queryInt(LIMITS.messagesPageMax).optional(),
  before: Uuid.optional(),
  after: Uuid.optional(),
  around: Uuid.optional(),
});

export const AttachmentRef = z.object({
  s3_key: z.string().min(1).max(512),
  filename: z.string().min(1).max(255),
  content_type: z.string().max(255),
  size: z.number().int(),
});

export const SendMessageBody = z.object({
  content: byteText('Message content', LIMITS.messageContentBytes),
  reply_to: Uuid.nullish(),
  attachments: z.array(AttachmentRef).default([]),
  client_message_id: z.string().min(1).max(LIMITS.clientMessageIdChars).optional(),
});
export type SendMessageBody = z.output<typeof SendMessageBody>;

export const EditMessageBody = z.object({
  content: byteText('Message content', LIMITS.messageContentBytes),
});

export const StatusBody = z.object({ status: z.string() });
