/**
 * @module events/outbox: appends events to the `events` table inside the caller's transaction (transactional
 * outbox; see docs/events.md). No lock: transactions commit in parallel, so ids may become visible out of
 * order, and readers read only up to the log's horizon (events/horizon.ts, docs/adr/0002-event-ordering.md).
 */
import type { Transaction } from 'kysely';
import type { NewDialogEvent } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import type { AttachmentsUpdatedRecord, MessageRecord } from '../queries/message-record.js';
import { audienceFor } from './audience.js';

/**
 * An event as an action emits it: a message's `message.new` is its whole record, and attachments are logged as
 * stored, to be signed for each reader (queries/message-record.ts).
 */
export type LoggedEvent =
  | Exclude<NewDialogEvent, { type: 'message.new' | 'message.attachments_updated' }>
  | MessageRecord
  | AttachmentsUpdatedRecord;

export interface PendingEvent {
  event: LoggedEvent;
  /** Users the audience rule needs from the action (see audienceFor). */
  extraUsers?: readonly string[];
}

/** Inserts the events in order and returns their ids (ascending within the transaction). */
export async function appendEvents(trx: Transaction<Database>, events: readonly PendingEvent[], now: Date): Promise<number[]> {
  if (events.length === 0) return [];
  const rows = await trx
    .insertInto('events')
    .values(
      events.map(({ event, extraUsers }) => {
        const audience = audienceFor(event, extraUsers);
        const { type, ...payload } = event;
        return {
          dialog_id: 'dialog_id' in event ? event.dialog_id : null,
          type,
          payload: JSON.stringify(payload),
          to_members: audience.members,
          to_users: audience.users,
          created_at: now,
        };
      }),
    )
    .returning('id')
    .execute();
  return rows.map((r) => Number(r.id));
}
