/**
 * @module events/webhooks/consumer: webhooks and notifications as a consumer of the event log, like the realtime
 * hub: nothing is added to the sender's transaction. A round reads the events after the durable cursor
 * (`log_consumers`, row locked so one instance consumes at a time) and up to the log's horizon, creates their
 * deliveries and notification jobs, and moves the cursor, all in one transaction: a crash repeats nothing and
 * loses nothing. Deliveries are created in log order, so a dialog's deliveries keep its events' order.
 */
import { sql, type Transaction } from 'kysely';
import type { NewDialogEvent } from '@parley/protocol';
import type { Database } from '../../adapters/db/index.js';
import type { Services } from '../../context.js';
import { startPollLoop, type PollLoop } from '../../jobs/poll-loop.js';
import { LogHorizon } from '../horizon.js';
import { createWebhookDeliveries, type ConsumedEvent } from './deliveries.js';

const NAME = 'webhooks';
const BATCH = 500;

/** The cursor (created by migration 0007), locked for this round; undefined while another instance holds it. */
async function lockCursor(trx: Transaction<Database>): Promise<number | undefined> {
  const r = await sql<{ through: unknown }>`SELECT through FROM log_consumers WHERE name = ${NAME} FOR UPDATE SKIP LOCKED`.execute(trx);
  return r.rows[0] ? Number(r.rows[0].through) : undefined;
}

async function readEvents(trx: Transaction<Database>, after: number, through: number): Promise<ConsumedEvent[]> {
  const r = await sql<{ id: unknown; type: string; payload: unknown; created_at: Date | string }>`
    SELECT id, type, payload, created_at FROM events WHERE id > ${after} AND id <= ${through} ORDER BY id LIMIT ${BATCH}`.execute(trx);
  return r.rows.map((row) => {
    const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>;
    return { id: Number(row.id), event: { type: row.type, ...payload } as NewDialogEvent, at: new Date(row.created_at) };
  });
}

/** Starts the consumer; `onDeliveries` wakes the dispatcher after a round created some. */
export function startWebhookConsumer(svc: Services, onDeliveries: () => void): PollLoop {
  const horizon = new LogHorizon(svc.db.kysely);
  const loop = startPollLoop(svc.clock, svc.health.register('webhook consumer', 'loop'), svc.config.jobs.pollIntervalMs, async () => {
    const through = await horizon.advance();
    const outcome = await svc.db.kysely.transaction().execute(async (trx) => {
      const cursor = await lockCursor(trx);
      if (cursor === undefined || cursor >= through) return { read: 0, created: 0 };
      const events = await readEvents(trx, cursor, through);
      if (events.length === 0) {
        await sql`UPDATE log_consumers SET through = ${through} WHERE name = ${NAME}`.execute(trx);
        return { read: 0, created: 0 };
      }
      const created = await createWebhookDeliveries(trx, events, svc.config);
      const last = events.length < BATCH ? through : events[events.length - 1]!.id;
      await sql`UPDATE log_consumers SET through = ${last} WHERE name = ${NAME}`.execute(trx);
      return { read: events.length, created };
    });
    if (outcome.created > 0) onDeliveries();
    // Busy again at once while the batch was full; a fence that waits for writers is settled on their announce.
    return outcome.read === BATCH;
  });
  const unsubscribe = svc.bus.onAnnounce(() => loop.wake());
  return {
    wake: () => loop.wake(),
    async stop() {
      unsubscribe();
      await loop.stop();
    },
  };
}
