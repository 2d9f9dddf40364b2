/**
 * @module events/outbox: appends events to the `events` table inside the caller's transaction (transactional
 * outbox; see docs/events.md). A transaction-scoped advisory lock makes ids commit in id order, so a reader
 * that has seen id N can never later find a committed event with an id below N.
 */
import { sql, type Transaction } from 'kysely';
import type { NewDialogEvent } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import { audienceFor } from './audience.js';

const OUTBOX_LOCK = 727275;

export interface PendingEvent {
  event: NewDialogEvent;
  /** Users the audience rule needs from the action (see audienceFor). */
  extraUsers?: readonly string[];
}

/** Inserts the events in order and returns their ids. Call it last in the transaction: the lock is held to commit. */
export async function appendEvents(trx: Transaction<Database>, events: readonly PendingEvent[], now: Date): Promise<number[]> {
  if (events.length === 0) return [];
  await sql`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`.execute(trx);
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
