/** @module models: the objects the APIs return, in MTChat's field order (omitted vs null as its contract says). */
import { z } from 'zod';

const Timestamp = z.string().describe('RFC 3339 UTC timestamp');

export const Dialog = z.object({
  id: z.uuid(),
  object_id: z.string(),
  object_type: z.string(),
  title: z.string().nullable(),
  object_url: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: Timestamp,
  meta: z.unknown().optional(),
});
export type Dialog = z.infer<typeof Dialog>;

export const LastMessage = z.object({
  id: z.uuid(),
  content: z.string(),
  sender_id: z.string().optional(),
  sender_name: z.string().optional(),
  sent_at: Timestamp,
  message_type: z.enum(['user', 'system']),
});

export const ParticipantSummary = z.object({
  user_id: z.string(),
  display_name: z.string().optional(),
  company: z.string().optional(),
});

export const DialogView = Dialog.extend({
  participants_count: z.number().int().optional(),
  i_am_participant: z.boolean().optional(),
  can_join: z.boolean().optional(),
  unread_count: z.number().int().optional(),
  is_archived: z.boolean().optional(),
  is_pinned: z.boolean().optional(),
  notifications_enabled: z.boolean().optional(),
  last_message_at: Timestamp.optional(),
  last_message: LastMessage.optional(),
  participants: z.array(ParticipantSummary).optional(),
});
export type DialogView = z.infer<typeof DialogView>;

export const Participant = z.object({
  dialog_id: z.uuid(),
  user_id: z.string(),
  joined_at: Timestamp,
  joined_as: z.enum(['creator', 'participant', 'joined']),
  notifications_enabled: z.boolean(),
  last_read_message_id: z.uuid().nullable(),
  unread_count: z.number().int(),
  display_name: z.string().nullable(),
  company: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  is_archived: z.boolean(),
  is_pinned: z.boolean(),
});
export type Participant = z.infer<typeof Participant>;

export const ChatParticipant = Participant.extend({ is_online: z.boolean() });

export const AccessScope = z.object({
  id: z.uuid(),
  dialog_id: z.uuid(),
  scope_level0: z.array(z.string()),
  scope_level1: z.array(z.string()),
  scope_level2: z.array(z.string()),
  created_at: Timestamp,
});
export type AccessScope = z.infer<typeof AccessScope>;

export const Attachment = z.object({
  id: z.uuid(),
  filename: z.string(),
  content_type: z.string(),
  size: z.number().int(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  url: z.string(),
  thumbnail_url: z.string().optional(),
});
export type Attachment = z.infer<typeof Attachment>;

export const Message = z.object({
  id: z.uuid(),
  dialog_id: z.uuid(),
  sender_id: z.string().nullable(),
  content: z.string(),
  sent_at: Timestamp,
  last_edited_at: Timestamp.nullable(),
  reply_to_id: z.uuid().nullable(),
  message_type: z.enum(['user', 'system']),
  attachments: z.array(Attachment).optional(),
});
export type Message = z.infer<typeof Message>;

export const MessagePage = z.object({
  messages: z.array(Message),
  first_unread_message_id: z.uuid().optional(),
  has_more_before: z.boolean(),
  has_more_after: z.boolean(),
});
export type MessagePage = z.infer<typeof MessagePage>;
