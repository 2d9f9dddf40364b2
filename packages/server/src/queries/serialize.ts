/** @module queries/serialize: rows to wire objects, in MTChat's field order, omitting what its contract omits. */
import type { Selectable } from 'kysely';
import type { AccessScope, Dialog, Message, Participant } from '@parley/protocol';
import type { AccessScopesTable, MessagesTable } from '../adapters/db/schema.js';
import type { DialogRow, ParticipantRow } from '../policies/dialogs.js';
import { compact, timestamp, timestampOrNull } from '../wire.js';

export function dialogWire(d: DialogRow): Dialog {
  return compact({
    id: d.id,
    object_id: d.object_id,
    object_type: d.object_type,
    title: d.title,
    object_url: d.object_url,
    created_by: d.created_by,
    created_at: timestamp(d.created_at),
    meta: d.meta === null ? undefined : d.meta,
  });
}

export function unreadCount(messageSeq: unknown, readSeq: unknown): number {
  return Math.max(0, Number(messageSeq) - Number(readSeq));
}

/**
 * A participant as the Chat and Management APIs show it. `outsider` (a potential participant looking before
 * joining) sees who is there and nothing of their contacts, read position or personal flags: those keys keep
 * MTChat's shape with neutral values (null, 0, false).
 */
export function participantWire(p: ParticipantRow, messageSeq: unknown, opts: { outsider?: boolean } = {}): Participant {
  const outsider = opts.outsider === true;
  return {
    dialog_id: p.dialog_id,
    user_id: p.user_id,
    joined_at: timestamp(p.joined_at),
    joined_as: p.joined_as,
    notifications_enabled: outsider ? false : p.notifications_enabled,
    last_read_message_id: outsider ? null : p.last_read_message_id,
    unread_count: outsider ? 0 : unreadCount(messageSeq, p.read_seq),
    display_name: p.display_name,
    company: p.company,
    email: outsider ? null : p.email,
    phone: outsider ? null : p.phone,
    is_archived: outsider ? false : p.is_archived,
    is_pinned: outsider ? false : p.is_pinned,
  };
}

export function scopeWire(s: Selectable<AccessScopesTable>): AccessScope {
  return {
    id: s.id,
    dialog_id: s.dialog_id,
    scope_level0: s.scope_level0,
    scope_level1: s.scope_level1,
    scope_level2: s.scope_level2,
    created_at: timestamp(s.created_at),
  };
}

export type MessageRow = Selectable<MessagesTable>;

export function messageWire(m: MessageRow): Message {
  return {
    id: m.id,
    dialog_id: m.dialog_id,
    sender_id: m.sender_id,
    content: m.content,
    sent_at: timestamp(m.sent_at),
    last_edited_at: timestampOrNull(m.last_edited_at),
    reply_to_id: m.reply_to_id,
    message_type: m.message_type,
  };
}

/** Compact JSON with sorted keys: the form of system-message content (spec §3.6). */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
