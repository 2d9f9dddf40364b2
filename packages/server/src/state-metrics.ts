/**
 * @module state-metrics: the gauges read from the database and the pool at scrape time: webhook deliveries by
 * status, the notification job backlog, the end of the event log and the webhook consumer's cursor, and the
 * database pool. Realtime gauges live with the hub (realtime/index.ts). See docs/metrics.md.
 */
import { sql } from 'kysely';
import type { Services } from './context.js';
import { NOTIFY_JOB } from './events/webhooks/deliveries.js';
import { countJobs } from './jobs/queue.js';
import { countDeliveries } from './queries/webhook-deliveries.js';

export function registerStateMetrics(svc: Services): void {
  const m = svc.metrics;
  const db = svc.db.kysely;
  m.gauge('parley_webhook_deliveries', 'Webhook deliveries in the table, by status (pending is the backlog)', ['status'], async (set) => {
    for (const [status, n] of Object.entries(await countDeliveries(db))) set({ status }, n);
  });
  m.gauge('parley_jobs', 'Notification jobs, by state: queued (waiting or running) and dead (gave up)', ['kind', 'state'], async (set) => {
    const { queued, dead } = await countJobs(db, NOTIFY_JOB);
    set({ kind: NOTIFY_JOB, state: 'queued' }, queued);
    set({ kind: NOTIFY_JOB, state: 'dead' }, dead);
  });
  m.gauge(
    'parley_event_log_position',
    'The last event id in the log (log) and the webhook consumer cursor (webhooks)',
    ['of'],
    async (set) => {
      const r = await sql<{ head: unknown; webhooks: unknown }>`
      SELECT (SELECT coalesce(max(id), 0) FROM events) AS head, (SELECT through FROM log_consumers WHERE name = 'webhooks') AS webhooks`.execute(
        db,
      );
      set({ of: 'log' }, Number(r.rows[0]?.head ?? 0));
      set({ of: 'webhooks' }, Number(r.rows[0]?.webhooks ?? 0));
    },
  );
  m.gauge(
    'parley_db_pool_connections',
    'PostgreSQL pool connections: total, idle, and requests waiting for one (absent on PGlite)',
    ['state'],
    (set) => {
      const p = svc.db.pool?.();
      if (!p) return;
      set({ state: 'total' }, p.total);
      set({ state: 'idle' }, p.idle);
      set({ state: 'waiting' }, p.waiting);
    },
  );
}
