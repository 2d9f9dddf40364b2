/**
 * @module actions/transaction: the one way an action writes. State changes and the events they emit commit
 * together (outbox); the bus hears of them only after the commit.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import type { Services } from '../context.js';
import { appendEvents, type LoggedEvent, type PendingEvent } from '../events/outbox.js';

export interface ActionTx {
  trx: Transaction<Database>;
  now: Date;
  emit(event: LoggedEvent, extraUsers?: readonly string[]): void;
}

export async function inTransaction<T>(svc: Services, fn: (tx: ActionTx) => Promise<T>): Promise<T> {
  const now = svc.now();
  let ids: number[] = [];
  let appended: PendingEvent[] = [];
  const result = await svc.db.kysely.transaction().execute(async (trx) => {
    const pending: PendingEvent[] = [];
    const value = await fn({ trx, now, emit: (event, extraUsers) => pending.push({ event, extraUsers }) });
    ids = await appendEvents(trx, pending, now);
    appended = pending;
    return value;
  });
  const last = ids.at(-1);
  if (last !== undefined) {
    svc.bus.announce(last);
    for (const { event } of appended) svc.metrics.eventsAppended.inc({ type: event.type });
  }
  return result;
}
