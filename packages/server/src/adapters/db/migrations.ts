/** @module db/migrations: the one ordered set of SQL migrations, run at start-up on PostgreSQL and PGlite alike. */
import { sql, type Kysely } from 'kysely';
import { up as core } from './migrations/0001_create_core.js';
import { up as realtime } from './migrations/0002_realtime.js';
import { up as jobs } from './migrations/0003_jobs.js';
import { up as files } from './migrations/0004_files.js';
import { up as search } from './migrations/0005_search.js';
import { up as agents } from './migrations/0006_agents.js';
import { up as eventFence } from './migrations/0007_event_fence.js';
import { up as archivedParticipants } from './migrations/0010_archived_participants.js';
import { up as chatkitUploads } from './migrations/0011_chatkit_uploads.js';
import { up as searchPendingList } from './migrations/0012_search_pending_list.js';

interface Migration {
  id: string;
  up: string;
}

/** Ordered; an id is never reused or edited once released. Add a file under migrations/ and list it here. */
const MIGRATIONS: Migration[] = [
  { id: '0001_create_core', up: core },
  { id: '0002_realtime', up: realtime },
  { id: '0003_jobs', up: jobs },
  { id: '0004_files', up: files },
  { id: '0005_search', up: search },
  { id: '0006_agents', up: agents },
  { id: '0007_event_fence', up: eventFence },
  { id: '0010_archived_participants', up: archivedParticipants },
  { id: '0011_chatkit_uploads', up: chatkitUploads },
  { id: '0012_search_pending_list', up: searchPendingList },
];

/** Applies every migration not yet recorded, each in its own transaction, holding an advisory lock so instances take turns. */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before, and define, the typed schema
export async function migrate(db: Kysely<any>): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(727274)`.execute(conn);
    try {
      await sql`CREATE TABLE IF NOT EXISTS parley_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(
        conn,
      );
      const done = new Set((await sql<{ id: string }>`SELECT id FROM parley_migrations`.execute(conn)).rows.map((r) => r.id));
      const applied: string[] = [];
      for (const m of MIGRATIONS) {
        if (done.has(m.id)) continue;
        await conn.transaction().execute(async (tx) => {
          await sql.raw(m.up).execute(tx);
          await sql`INSERT INTO parley_migrations (id) VALUES (${m.id})`.execute(tx);
        });
        applied.push(m.id);
      }
      return applied;
    } finally {
      await sql`SELECT pg_advisory_unlock(727274)`.execute(conn);
    }
  });
}
