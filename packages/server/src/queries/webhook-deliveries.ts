/** @module queries/webhook-deliveries: the delivery log as the Management API shows it (oldest first, paged by id). */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { z } from 'zod';
import type { WebhookDelivery, WebhookEnvelope } from '@parley/protocol';
import type { Database } from '../adapters/db/index.js';
import type { WebhookDeliveriesTable } from '../adapters/db/schema.js';
import { notFound } from '../errors.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventName } from '../events/webhooks/catalog.js';
import { timestampOrNull, timestamp } from '../wire.js';

type Row = Selectable<WebhookDeliveriesTable>;
type DeliveryView = z.infer<typeof WebhookDelivery>;

export const deliveryNotFound = () => notFound('Delivery');

export function deliveryWire(r: Row): DeliveryView {
  return {
    id: r.id,
    event: r.event,
    type: WEBHOOK_EVENT_TYPES[r.event as WebhookEventName] ?? r.event,
    dialog_id: r.dialog_id,
    status: r.status,
    attempts: r.attempts,
    created_at: timestamp(r.created_at),
    next_attempt_at: r.status === 'pending' ? timestampOrNull(r.next_attempt_at) : null,
    last_attempt_at: timestampOrNull(r.last_attempt_at),
    last_status_code: r.last_status_code,
    last_error: r.last_error,
    delivered_at: timestampOrNull(r.delivered_at),
    failed_at: timestampOrNull(r.failed_at),
  };
}

/** The sequence number of a delivery (its place in delivery order), or NOT_FOUND. */
export async function deliverySeq(db: Kysely<Database>, id: string): Promise<number> {
  const row = await db.selectFrom('webhook_deliveries').select('seq').where('id', '=', id).executeTakeFirst();
  if (!row) throw deliveryNotFound();
  return Number(row.seq);
}

export async function listDeliveries(
  db: Kysely<Database>,
  q: { status?: Row['status']; after?: string; limit?: number },
): Promise<{ deliveries: DeliveryView[]; next_cursor: string | null }> {
  const limit = q.limit ?? 100;
  let query = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .orderBy('seq')
    .limit(limit + 1);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.after) {
    const after = await deliverySeq(db, q.after);
    query = query.where(sql<boolean>`seq > ${after}`);
  }
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return { deliveries: page.map(deliveryWire), next_cursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

export async function getDelivery(db: Kysely<Database>, id: string) {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw deliveryNotFound();
  return { ...deliveryWire(row), body: JSON.parse(row.body) as WebhookEnvelope };
}

export async function countDeliveries(db: Kysely<Database>): Promise<Record<Row['status'], number>> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
    .groupBy('status')
    .execute();
  const out = { pending: 0, delivered: 0, failed: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}
