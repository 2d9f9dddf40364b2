/**
 * @module events/webhooks/deliveries: creates webhook deliveries in the transaction that writes their events
 * (called by events/outbox.ts), and enqueues the one notification job per user message. Each delivery stores
 * the exact envelope bytes, so every attempt sends the same id, body and body signature.
 * See docs/webhooks.md.
 */
import { sql, type Transaction } from 'kysely';
import type { NewDialogEvent } from '@parley/protocol';
import type { Database } from '../../adapters/db/index.js';
import type { Config } from '../../config.js';
import { enqueueJob } from '../../jobs/queue.js';
import { newId, timestamp } from '../../wire.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventName } from './catalog.js';
import { webhookFor, type DialogInfo, type MessageInfo, type Webhook } from './payloads.js';

/**
 * Held until commit by every transaction that inserts deliveries, so deliveries commit in `seq` order and a
 * dispatcher that sees delivery N of a dialog can never later find an earlier one.
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
}

/** The envelope, compact, in MTChat's key order: id, type (snake_case), timestamp, payload. */
export function envelope(id: string, webhook: Webhook, now: Date): string {
  return JSON.stringify({ id, type: WEBHOOK_EVENT_TYPES[webhook.event], timestamp: timestamp(now), payload: webhook.payload });
}

/** Inserts deliveries in order, due now. */
export async function insertDeliveries(trx: Transaction<Database>, deliveries: readonly NewDelivery[], now: Date): Promise<void> {
  if (deliveries.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(${DELIVERY_LOCK})`.execute(trx);
  for (const d of deliveries) {
    const id = newId();
    await sql`INSERT INTO webhook_deliveries (id, event_id, dialog_id, event, body, status, next_attempt_at, created_at)
              VALUES (${id}, ${d.eventId}, ${d.webhook.dialogId}, ${d.webhook.event}, ${envelope(id, d.webhook, now)}, 'pending', clock_timestamp(), ${now})`.execute(
      trx,
    );
  }
}

/** Event types that can become an enabled webhook (so most transactions skip every read below). */
function candidates(events: ReadonlySet<WebhookEventName>): Set<NewDialogEvent['type']> {
  const out = new Set<NewDialogEvent['type']>();
  if (events.has('message.new') || events.has('notification.pending')) out.add('message.new');
  if (events.has('participant.joined') || events.has('participant.added')) out.add('participant.joined');
  if (events.has('participant.left') || events.has('participant.removed')) out.add('participant.left');
  for (const n of ['dialog.created', 'dialog.deleted', 'message.edited', 'message.deleted', 'item.feedback'] as const) if (events.has(n)) out.add(n);
  return out;
}

/**
 * The outbox hook: turns the transaction's logged events into deliveries and notification jobs. Does nothing
 * unless webhooks are configured (WEBHOOK_URL and WEBHOOK_SECRET).
 */
export async function createWebhookDeliveries(
  trx: Transaction<Database>,
  logged: readonly { id: number; event: NewDialogEvent }[],
  now: Date,
  config: Pick<Config, 'webhooks' | 'jobs'>,
): Promise<void> {
  const hooks = config.webhooks;
  if (!hooks) return;
  const wanted = candidates(hooks.events);
  const relevant = logged.filter((l) => wanted.has(l.event.type));
  if (relevant.length === 0) return;

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
  const editedIds = relevant.flatMap((l) => (l.event.type === 'message.edited' ? [l.event.id] : []));
  const edited = new Map<string, MessageInfo>(
    editedIds.length === 0
      ? []
      : (await trx.selectFrom('messages').selectAll().where('id', 'in', editedIds).execute()).map((m) => [m.id, m]),
  );

  const deliveries: NewDelivery[] = [];
  for (const { id, event } of relevant) {
    const webhook = webhookFor(event, now, dialogs.get(event.dialog_id), event.type === 'message.edited' ? edited.get(event.id) : undefined);
    if (webhook && hooks.events.has(webhook.event)) deliveries.push({ eventId: id, webhook });
    if (event.type === 'message.new' && event.message_type === 'user' && event.sender_id && hooks.events.has('notification.pending')) {
      const row = await trx.selectFrom('messages').select('seq').where('id', '=', event.id).executeTakeFirst();
      if (row) {
        const job: NotifyJobPayload = { dialog_id: event.dialog_id, message_id: event.id, seq: Number(row.seq), sender_id: event.sender_id };
        await enqueueJob(trx, NOTIFY_JOB, { ...job }, config.jobs.notificationDelaySecs * 1000, now);
      }
    }
  }
  await insertDeliveries(trx, deliveries, now);
}
