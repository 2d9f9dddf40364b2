/**
 * @module events/webhooks/payloads: turns a logged event into a webhook (its dotted name and its payload, in
 * MTChat's field order, omitting what MTChat omits). See spec §5.2 and docs/webhooks.md.
 */
import type { NewDialogEvent } from '@parley/protocol';
import { compact, timestamp } from '../../wire.js';
import type { WebhookEventName } from './catalog.js';

/** The dialog fields a webhook carries, read inside the event's transaction. */
export interface DialogInfo {
  id: string;
  object_id: string;
  object_type: string;
  title: string | null;
  created_by: string | null;
  created_at: Date | string;
  /** Known only from its dialog.deleted event (deleted before its webhooks were made): no title or creator. */
  deleted?: boolean;
}

export interface MessageInfo {
  id: string;
  sender_id?: string | null;
  content: string;
  reply_to_id?: string | null;
  sent_at: Date | string;
  message_type: 'user' | 'system';
  last_edited_at?: Date | string | null;
}

export interface Webhook {
  event: WebhookEventName;
  dialogId: string | null;
  payload: Record<string, unknown>;
}

/** MTChat's message object: `id, sender_id (omit), content, reply_to (omit), created_at, message_type`. */
export function webhookMessage(m: MessageInfo, opts: { edited?: boolean } = {}): Record<string, unknown> {
  return compact({
    id: m.id,
    sender_id: m.sender_id ?? undefined,
    content: m.content,
    reply_to: m.reply_to_id ?? undefined,
    created_at: timestamp(m.sent_at),
    message_type: m.message_type,
    last_edited_at: opts.edited && m.last_edited_at ? timestamp(m.last_edited_at) : undefined,
  });
}

const head = (d: Pick<DialogInfo, 'id' | 'object_id' | 'object_type'>) => ({
  dialog_id: d.id,
  object_id: d.object_id,
  object_type: d.object_type,
});

/**
 * The webhook an event becomes, or undefined when it becomes none. `dialog` is the event's dialog (absent once
 * deleted); a message's fields come from its event.
 */
export function webhookFor(event: NewDialogEvent, now: Date, dialog: DialogInfo | undefined): Webhook | undefined {
  const at = timestamp(now);
  if (event.type === 'dialog.deleted') {
    if (event.object_id === undefined || event.object_type === undefined) return undefined;
    return {
      event: 'dialog.deleted',
      dialogId: event.dialog_id,
      payload: { ...head({ id: event.dialog_id, object_id: event.object_id, object_type: event.object_type }), deleted_at: at },
    };
  }
  if (!dialog) return undefined;
  const w = (name: WebhookEventName, payload: Record<string, unknown>): Webhook => ({ event: name, dialogId: dialog.id, payload });
  switch (event.type) {
    case 'message.new':
      // System messages (created, joined, left) never become message_new, as in MTChat.
      if (event.message_type !== 'user') return undefined;
      return w('message.new', { ...head(dialog), message: webhookMessage(event) });
    case 'participant.joined':
      if (event.joined_as === 'joined') {
        return w('participant.joined', { ...head(dialog), user_id: event.user_id, joined_as: 'joined', joined_at: at });
      }
      return w('participant.added', { ...head(dialog), user_id: event.user_id, joined_as: 'participant', joined_at: at });
    case 'participant.left':
      if (event.reason === 'removed') return w('participant.removed', { ...head(dialog), user_id: event.user_id, removed_at: at });
      return w('participant.left', { ...head(dialog), user_id: event.user_id, left_at: at });
    case 'dialog.created':
      if (dialog.deleted) return undefined;
      return w(
        'dialog.created',
        compact({
          ...head(dialog),
          title: dialog.title ?? undefined,
          created_by: dialog.created_by ?? undefined,
          created_at: timestamp(dialog.created_at),
        }),
      );
    case 'message.edited':
      if (event.sent_at === undefined || event.message_type === undefined) return undefined; // logged before edits carried the message
      return w('message.edited', {
        ...head(dialog),
        message: webhookMessage({ ...event, sent_at: event.sent_at, message_type: event.message_type }, { edited: true }),
      });
    case 'message.deleted':
      return w('message.deleted', { ...head(dialog), message_id: event.id, deleted_at: at });
    case 'item.feedback':
      return w('item.feedback', { ...head(dialog), user_id: event.user_id, item_ids: event.item_ids, kind: event.kind, created_at: at });
    default:
      return undefined;
  }
}

/** The notification_pending payload (spec §5.2): `chat_title` and `sender_company` are omitted when null. */
export function notificationPayload(
  dialog: DialogInfo,
  recipientId: string,
  senderCompany: string | null | undefined,
  message: MessageInfo,
): Record<string, unknown> {
  return compact({
    ...head(dialog),
    recipient_id: recipientId,
    chat_title: dialog.title ?? undefined,
    sender_company: senderCompany ?? undefined,
    message: webhookMessage(message),
  });
}
