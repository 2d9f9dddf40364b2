/**
 * @module events: the realtime events of the event log, in MTChat's flat WebSocket shape.
 * Every event carries `event_id`, the global position in Parley's event log (a resume cursor).
 */
import { z } from 'zod';
import { AGENT_EVENTS } from './agent-events.js';
import { Attachment } from './models.js';

const base = { event_id: z.number().int().optional() };
const Timestamp = z.string();

export const MessageNewEvent = z.object({
  type: z.literal('message.new'),
  ...base,
  id: z.uuid(),
  dialog_id: z.uuid(),
  sender_id: z.string().optional(),
  content: z.string(),
  sent_at: Timestamp,
  message_type: z.enum(['user', 'system']),
  reply_to_id: z.uuid().nullable().optional(),
  client_message_id: z.string().optional(),
  // The message as the API shows it, and where it belongs: one record for the response, frames and webhooks.
  last_edited_at: Timestamp.nullable().optional(),
  attachments: z.array(Attachment).optional(),
  seq: z.number().int().optional(),
  object_id: z.string().optional(),
  object_type: z.string().optional(),
});
export const MessageEditedEvent = z.object({
  type: z.literal('message.edited'),
  ...base,
  id: z.uuid(),
  dialog_id: z.uuid(),
  content: z.string(),
  last_edited_at: Timestamp,
  // The rest of the message as it now reads (the webhook's message object is a projection of this event).
  sender_id: z.string().nullable().optional(),
  sent_at: Timestamp.optional(),
  reply_to_id: z.uuid().nullable().optional(),
  message_type: z.enum(['user', 'system']).optional(),
});
export const MessageDeletedEvent = z.object({
  type: z.literal('message.deleted'),
  ...base,
  id: z.uuid(),
  dialog_id: z.uuid(),
});
/** A message's attachments changed after it was sent (a thumbnail became ready): those attachments as they are now. */
export const MessageAttachmentsUpdatedEvent = z.object({
  type: z.literal('message.attachments_updated'),
  ...base,
  id: z.uuid(),
  dialog_id: z.uuid(),
  attachments: z.array(Attachment),
});
export const MessageReadEvent = z.object({
  type: z.literal('message.read'),
  ...base,
  dialog_id: z.uuid(),
  user_id: z.string(),
  last_read_message_id: z.uuid(),
});
export const ParticipantJoinedEvent = z.object({
  type: z.literal('participant.joined'),
  ...base,
  dialog_id: z.uuid(),
  user_id: z.string(),
  joined_as: z.enum(['participant', 'joined']).optional(),
});
export const ParticipantLeftEvent = z.object({
  type: z.literal('participant.left'),
  ...base,
  dialog_id: z.uuid(),
  user_id: z.string(),
  reason: z.enum(['left', 'removed']).optional(),
});
const dialogFlagEvent = <T extends string>(type: T) =>
  z.object({ type: z.literal(type), ...base, dialog_id: z.uuid(), user_id: z.string().optional() });
export const DialogArchivedEvent = dialogFlagEvent('dialog.archived');
export const DialogUnarchivedEvent = dialogFlagEvent('dialog.unarchived');
export const DialogPinnedEvent = dialogFlagEvent('dialog.pinned');
export const DialogUnpinnedEvent = dialogFlagEvent('dialog.unpinned');
export const DialogNotificationsEvent = z.object({
  type: z.literal('dialog.notifications'),
  ...base,
  dialog_id: z.uuid(),
  user_id: z.string(),
  enabled: z.boolean(),
});
export const DialogCreatedEvent = z.object({
  type: z.literal('dialog.created'),
  ...base,
  dialog_id: z.uuid(),
  object_id: z.string(),
  object_type: z.string(),
});
export const DialogDeletedEvent = z.object({
  type: z.literal('dialog.deleted'),
  ...base,
  dialog_id: z.uuid(),
  // What the dialog was bound to: a deleted dialog can no longer be read (webhooks need them).
  object_id: z.string().optional(),
  object_type: z.string().optional(),
});
export const DialogScopesEvent = z.object({ type: z.literal('dialog.scopes_changed'), ...base, dialog_id: z.uuid() });

/** Every event the log can hold: a discriminated union on `type`. */
export const DialogEvent = z.discriminatedUnion('type', [
  MessageNewEvent,
  MessageEditedEvent,
  MessageDeletedEvent,
  MessageAttachmentsUpdatedEvent,
  MessageReadEvent,
  ParticipantJoinedEvent,
  ParticipantLeftEvent,
  DialogArchivedEvent,
  DialogUnarchivedEvent,
  DialogPinnedEvent,
  DialogUnpinnedEvent,
  DialogNotificationsEvent,
  DialogCreatedEvent,
  DialogDeletedEvent,
  DialogScopesEvent,
  // An agent's streamed reply (agent-events.ts).
  ...AGENT_EVENTS,
]);
export type DialogEvent = z.infer<typeof DialogEvent>;
export type DialogEventType = DialogEvent['type'];
/** An event as an action builds it, before the log gives it an id. */
export type NewDialogEvent = DialogEvent extends infer E ? (E extends DialogEvent ? Omit<E, 'event_id'> : never) : never;
