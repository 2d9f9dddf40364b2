/**
 * @module events/webhooks/deliveries: turns events read from the log into webhook deliveries, and enqueues the
 * one notification job per user message (called by events/webhooks/consumer.ts, never in the sender's
 * transaction). Each delivery stores the exact envelope bytes, so every attempt sends the same id, body and
 * body signature. See docs/webhooks.md.
 */
import { sql, type Transaction } from 'kysely';
import type { NewDialogEvent } from '@parley/protocol';
import type { Database } from '../../adapters/db/index.js';
import type { Config } from '../../config.js';
import { enqueueJob } from '../../jobs/queue.js';
import { newId, timestamp } from '../../wire.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventName } from './catalog.js';
import { webhookFor, type DialogInfo, type Webhook } from './payloads.js';

/**
 * Held until commit by every transaction that inserts deliveries (the log consumer and the notification jobs,
 * never a sender), so deliveries commit in `seq` order and a dispatcher that sees delivery N of a dialog can
 * never later find an earlier one.
 */
const DELIVERY_LOCK = 727276;

export const NOTIFY_JOB = 'notify';

/** What the notification job needs: the message and its sequence (who has read up to it). */
export interface NotifyJobPayload {
  dialog_id: string;
  message_id: string;
  seq: number;
  sender_id: string;
}

export interface NewDelivery {
  eventId: number | null;
  webhook: Webhook;
  /** When it happened: the envelope's timestamp and the delivery's created_at. */
  at: Date;
}

/** The envelope, compact, in MTChat's key order: id, type (snake_case), timestamp, payload. */
export function envelope(id: string, webhook: Webhook, now: Date): string {
  return JSON.stringify({ id, type: WEBHOOK_EVENT_TYPES[webhook.event], timestamp: timestamp(now), payload: webhook.payload });
}

/** Inserts deliveries in order (one statement; `seq` follows the given order), due now. */
export async function insertDeliveries(trx: Transaction<Database>, deliveries: readonly NewDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(${DELIVERY_LOCK})`.execute(trx);
  const rows = deliveries.map((d) => {
    const id = newId();
    return sql`(${id}::uuid, ${d.eventId}::bigint, ${d.webhook.dialogId}::uuid, ${d.webhook.event}, ${envelope(id, d.webhook, d.at)}, 'pending', clock_timestamp(), ${d.at}::timestamptz)`;
  });
  await sql`INSERT INTO webhook_deliveries (id, event_id, dialog_id, event, body, status, next_attempt_at, created_at)
            VALUES ${sql.join(rows)}`.execute(trx);
}

/** Event types that can become an enabled webhook (so most batches skip every read below). */
function candidates(events: ReadonlySet<WebhookEventName>): Set<NewDialogEvent['type']> {
  const out = new Set<NewDialogEvent['type']>();
  if (events.has('message.new') || events.has('notification.pending')) out.add('message.new');
  if (events.has('participant.joined') || events.has('participant.added')) out.add('participant.joined');
  if (events.has('participant.left') || events.has('participant.removed')) out.add('participant.left');
  for (const n of ['dialog.created', 'dialog.deleted', 'message.edited', 'message.deleted', 'item.feedback'] as const)
    if (events.has(n)) out.add(n);
  return out;
}

/** A message's record names its dialog's object ids: enough for its webhook once the dialog is gone. */
function fromRecord(event: NewDialogEvent): DialogInfo | undefined {
  if (event.type !== 'message.new' || event.object_id === undefined || event.object_type === undefined) return undefined;
  return {
    id: event.dialog_id,
    object_id: event.object_id,
    object_type: event.object_type,
    title: null,
    created_by: null,
    created_at: new Date(0),
    deleted: true,
  };
}

/** An event as the log consumer hands it over: its id, the event, and when its action ran. */
export interface ConsumedEvent {
  id: number;
  event: NewDialogEvent;
  at: Date;
}

/**
 * Turns a batch of logged events (in log order) into deliveries and notification jobs, inside the consumer's
 * transaction. Message webhooks are projections of their events alone; the dialog rows (for dialog and
 * participant webhooks) are read once per batch, and a dialog deleted since is known from its `dialog.deleted`
 * event (which carries its object ids). Returns how many deliveries it created.
 */
export async function createWebhookDeliveries(
  trx: Transaction<Database>,
  logged: readonly ConsumedEvent[],
  config: Pick<Config, 'webhooks' | 'jobs'>,
): Promise<number> {
  const hooks = config.webhooks;
  if (!hooks) return 0;
  const wanted = candidates(hooks.events);
  const relevant = logged.filter((l) => wanted.has(l.event.type));
  if (relevant.length === 0) return 0;

  const dialogIds = [...new Set(relevant.map((l) => l.event.dialog_id))];
  const dialogs = new Map<string, DialogInfo>(
    (
      await trx
        .selectFrom('dialogs')
        .select(['id', 'object_id', 'object_type', 'title', 'created_by', 'created_at'])
        .where('id', 'in', dialogIds)
        .execute()
    ).map((d) => [d.id, d]),
  );
  const gone = dialogIds.filter((id) => !dialogs.has(id));
  if (gone.length > 0) {
    const rows = await sql<{ dialog_id: string; payload: unknown }>`
      SELECT dialog_id, payload FROM events WHERE type = 'dialog.deleted' AND dialog_id = ANY(${gone}::uuid[])`.execute(trx);
    for (const r of rows.rows) {
      const p = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as { object_id?: string; object_type?: string };
      if (p.object_id !== undefined && p.object_type !== undefined) {
        dialogs.set(r.dialog_id, {
          id: r.dialog_id,
          object_id: p.object_id,
          object_type: p.object_type,
          title: null,
          created_by: null,
          created_at: new Date(0),
          deleted: true,
        });
      }
    }
  }
  const deliveries: NewDelivery[] = [];
  for (const { id, event, at } of relevant) {
    // A message's webhook is a projection of its event (the message as it read then), never of a later row.
    const webhook = webhookFor(event, at, dialogs.get(event.dialog_id) ?? fromRecord(event));
    if (webhook && hooks.events.has(webhook.event)) deliveries.push({ eventId: id, webhook, at });
    if (
      event.type === 'message.new' &&
      event.message_type === 'user' &&
      event.sender_id &&
      event.seq !== undefined &&
      hooks.events.has('notification.pending')
    ) {
      const job: NotifyJobPayload = { dialog_id: event.dialog_id, message_id: event.id, seq: event.seq, sender_id: event.sender_id };
      await enqueueJob(trx, NOTIFY_JOB, { ...job }, config.jobs.notificationDelaySecs * 1000, at);
    }
  }
  await insertDeliveries(trx, deliveries);
  return deliveries.length;
}
