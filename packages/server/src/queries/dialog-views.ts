/** @module queries/dialog-views: turns dialog rows into MTChat's DialogResponse, batching every lookup (no N+1). */
import type { Kysely } from 'kysely';
import type { DialogView } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import type { DialogRow, ParticipantRow } from '../policies/dialogs.js';
import { compact, timestamp } from '../wire.js';
import { dialogWire, unreadCount } from './serialize.js';

export interface ViewRow {
  dialog: DialogRow;
  /** The caller's participant row, when the caller takes part. */
  me?: ParticipantRow;
}

/** Which optional parts of a DialogResponse an endpoint shows (each endpoint's set is MTChat's). */
export interface ViewShape {
  count: boolean;
  /** unread_count, is_archived, is_pinned, notifications_enabled: only ever for the caller's own dialogs. */
  memberFlags: boolean;
  lastMessageAt: boolean;
  /** The last message is shown to participants only. */
  lastMessage: boolean;
  /** The participant summaries (and, for potential participants, only when `participantsForPotential`). */
  participants: boolean;
  participantsForPotential: boolean;
  countForPotential: boolean;
}

export async function buildViews(db: Kysely<Database>, rows: readonly ViewRow[], shape: ViewShape): Promise<DialogView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.dialog.id);
  const lastIds = shape.lastMessage ? rows.filter((r) => r.me && r.dialog.last_message_id).map((r) => r.dialog.last_message_id!) : [];
  // The two look-ups are independent: on PostgreSQL they run at once, on two pooled connections.
  const [people, lastMessages] = await Promise.all([
    shape.participants || shape.count || shape.lastMessage
      ? db
          .selectFrom('dialog_participants')
          .select(['dialog_id', 'user_id', 'display_name', 'company'])
          .where('dialog_id', 'in', ids)
          .orderBy('joined_at')
          .orderBy('user_id')
          .execute()
      : [],
    lastIds.length
      ? db.selectFrom('messages').select(['id', 'content', 'sender_id', 'sent_at', 'message_type']).where('id', 'in', lastIds).execute()
      : [],
  ]);
  const byDialog = new Map<string, typeof people>();
  for (const p of people) {
    const list = byDialog.get(p.dialog_id) ?? [];
    list.push(p);
    byDialog.set(p.dialog_id, list);
  }
  const lastById = new Map(lastMessages.map((m) => [m.id, m]));

  return rows.map(({ dialog, me }) => {
    const members = byDialog.get(dialog.id) ?? [];
    const isMember = me !== undefined;
    const view: DialogView = { ...dialogWire(dialog) };
    // The host's meta is for participants; a potential participant sees what deciding to join needs.
    if (!isMember) delete view.meta;
    if (shape.count && (isMember || shape.countForPotential)) view.participants_count = members.length;
    view.i_am_participant = isMember;
    view.can_join = !isMember;
    if (shape.memberFlags && me) {
      view.unread_count = unreadCount(dialog.message_seq, me.read_seq);
      view.is_archived = me.is_archived;
      view.is_pinned = me.is_pinned;
      view.notifications_enabled = me.notifications_enabled;
    }
    if (shape.lastMessageAt && dialog.last_message_at) view.last_message_at = timestamp(dialog.last_message_at);
    const last = isMember && dialog.last_message_id ? lastById.get(dialog.last_message_id) : undefined;
    if (last) {
      const sender = last.sender_id ? members.find((p) => p.user_id === last.sender_id) : undefined;
      view.last_message = compact({
        id: last.id,
        content: last.content,
        sender_id: last.sender_id ?? undefined,
        sender_name: sender?.display_name ?? undefined,
        sent_at: timestamp(last.sent_at),
        message_type: last.message_type,
      });
    }
    if (shape.participants && members.length > 0 && (isMember || shape.participantsForPotential)) {
      view.participants = members.map((p) =>
        compact({ user_id: p.user_id, display_name: p.display_name ?? undefined, company: p.company ?? undefined }),
      );
    }
    return view;
  });
}
