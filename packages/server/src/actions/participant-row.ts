/** @module actions/participant-row: the one builder of a new dialog_participants row (create, add, join). */
import type { Insertable } from 'kysely';
import type { ParticipantsTable } from '../adapters/db/schema.js';

export interface ParticipantPerson {
  user_id: string;
  display_name: string;
  company?: string | null;
  email?: string | null;
  phone?: string | null;
}

/**
 * A membership as it starts: notifications on, not archived or pinned, no read message yet. `readSeq` says
 * where unread counting starts (0: everything is unread; the dialog's sequence: nothing is).
 */
export function participantRow(
  dialogId: string,
  person: ParticipantPerson,
  o: { joinedAt: Date; joinedAs: 'participant' | 'joined'; readSeq: number },
): Insertable<ParticipantsTable> {
  return {
    dialog_id: dialogId,
    user_id: person.user_id,
    joined_at: o.joinedAt,
    joined_as: o.joinedAs,
    notifications_enabled: true,
    last_read_message_id: null,
    read_seq: o.readSeq,
    display_name: person.display_name,
    company: person.company ?? null,
    email: person.email ?? null,
    phone: person.phone ?? null,
    is_archived: false,
    is_pinned: false,
  };
}
