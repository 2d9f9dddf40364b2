/**
 * @module actions/webhook-deliveries: puts deliveries back in the queue (Management API). A redelivered
 * delivery keeps its id and body, gets a fresh retry window, and goes out in its dialog's order again: later
 * pending deliveries of the same dialog wait for it. Dispatchers pick them up on their next poll.
 */
import { sql } from 'kysely';
import type { Services } from '../context.js';
import { deliverySeq, getDelivery } from '../queries/webhook-deliveries.js';

const requeue = sql`status = 'pending', next_attempt_at = clock_timestamp(), first_attempt_at = NULL,
                    lease_until = NULL, lease_token = NULL, failed_at = NULL`;

/** Redelivers one delivery, whatever its status (a pending one is made due now). */
export async function redeliverOne(svc: Services, id: string) {
  await deliverySeq(svc.db.kysely, id);
  // A delivery being sent right now keeps its lease; it is made due again only once that attempt ends.
  await sql`UPDATE webhook_deliveries SET ${requeue}
            WHERE id = ${id} AND (lease_until IS NULL OR lease_until < clock_timestamp())`.execute(svc.db.kysely);
  return getDelivery(svc.db.kysely, id);
}

/** Redelivers failed (or failed and delivered) deliveries from a delivery id or an instant on; returns how many. */
export async function redeliverSince(svc: Services, opts: { status: 'failed' | 'all'; sinceId?: string; since?: string }): Promise<number> {
  const fromSeq = opts.sinceId === undefined ? undefined : await deliverySeq(svc.db.kysely, opts.sinceId);
  const statuses = opts.status === 'all' ? ['failed', 'delivered'] : ['failed'];
  const result = await sql`
    UPDATE webhook_deliveries SET ${requeue}
    WHERE status = ANY(${statuses}::text[])
      ${fromSeq === undefined ? sql`` : sql`AND seq >= ${fromSeq}`}
      ${opts.since === undefined ? sql`` : sql`AND created_at >= ${new Date(opts.since)}`}`.execute(svc.db.kysely);
  return Number(result.numAffectedRows ?? 0);
}
