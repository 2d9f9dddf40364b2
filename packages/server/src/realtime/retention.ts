/**
 * @module realtime/retention: prunes the event log to EVENT_RETENTION_SECS and records how far it pruned, so a
 * client resuming from an older cursor is told to resync instead of silently missing events. Safe to run on
 * every instance at once: it deletes a prefix of the log and only ever raises the horizon.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import type { Dependency } from '../health/dependency.js';

/** Deletes every event up to the newest one older than the cutoff; returns the new horizon (0 if none). */
export async function pruneEvents(db: Kysely<Database>, cutoff: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const r = await sql<{ id: unknown }>`SELECT max(id) AS id FROM events WHERE created_at < ${cutoff}`.execute(trx);
    const through = Number(r.rows[0]?.id ?? 0);
    if (!through) return 0;
    await sql`DELETE FROM events WHERE id <= ${through}`.execute(trx);
    await sql`UPDATE event_log_state SET pruned_through = GREATEST(pruned_through, ${through})`.execute(trx);
    return through;
  });
}

/** Runs the pruning every half retention period (at most every 10 minutes, at least every half second). */
export function startRetention(db: Kysely<Database>, retentionSecs: number, health: Dependency, now: () => Date): () => Promise<void> {
  const every = Math.min(600_000, Math.max(500, (retentionSecs * 1000) / 2));
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = health.guard(() => pruneEvents(db, new Date(now().getTime() - retentionSecs * 1000))).finally(() => (running = null));
  }, every);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
