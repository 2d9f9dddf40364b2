/** @module db: opens PostgreSQL (DATABASE_URL) or the embedded PGlite under DATA_DIR, and runs migrations. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config.js';
import { migrate } from './migrations.js';
import { PglitePool } from './pglite-pool.js';
import { preparedPool } from './pg-prepared.js';
import { restrictTree } from '../../security/data-dir.js';
import { applySearchLanguage } from './search-language.js';
import type { Database } from './schema.js';

export type { Database } from './schema.js';

export interface Db {
  kysely: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  ping(): Promise<boolean>;
  /** One round trip; throws what the database (or the network) said. */
  probe(): Promise<void>;
  /** The PostgreSQL pool's counts (metrics); undefined on PGlite (one session). */
  pool?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

/** What the pool reports about its connections (health/dependency.ts records it). */
export interface DbEvents {
  /** A connection (in use or idle) failed or was dropped by the server. */
  onConnectionError(err: Error): void;
  /** A new connection was established. */
  onConnect(): void;
  /** close() was called. */
  onClose(): void;
}

const IGNORE: DbEvents = { onConnectionError: () => {}, onConnect: () => {}, onClose: () => {} };

// int8 columns (counters, event ids) come back as strings from pg; they fit a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(config: Config, events: DbEvents = IGNORE): Promise<Db> {
  const c = config.database;
  let pool: unknown;
  let end: () => Promise<void>;
  let kind: Db['kind'];
  let stats: Db['pool'];
  if (c.url) {
    const p = new pg.Pool({
      connectionString: c.url,
      max: c.maxConnections,
      min: c.minConnections,
      connectionTimeoutMillis: c.acquireTimeoutMs,
      idleTimeoutMillis: c.idleTimeoutMs,
      maxLifetimeSeconds: c.maxLifetimeSecs,
      // No JIT: Parley's statements are short, and compiling one whose estimated cost passes jit_above_cost took
      // 30 ms (more under load) for a search that ran in 1 ms.
      options: `-c jit=off${c.schema ? ` -c search_path=${c.schema}` : ''}`,
    });
    // Every client the pool hands out gets an error listener for its whole life: a connection dropped while a
    // client is checked out emits 'error' on that client, and an unheard 'error' would end the process. The
    // query in progress fails on its own (the request answers 503); the pool discards the broken client.
    p.on('connect', (client) => {
      client.on('error', (err) => events.onConnectionError(err));
      events.onConnect();
    });
    // pg-pool re-emits an idle client's error here (already reported by the listener above); the pool replaces it.
    p.on('error', () => {});
    if (c.schema) {
      const client = await p.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${c.schema}"`);
      } finally {
        client.release();
      }
    }
    pool = c.preparedStatements ? preparedPool(p) : p;
    end = () => p.end();
    kind = 'postgres';
    stats = () => ({ total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount });
  } else {
    const dir = join(config.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const p = await PglitePool.open(dir);
    restrictTree(dir);
    pool = p;
    end = () => p.end();
    kind = 'pglite';
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as never }) });
  try {
    await migrate(kysely);
    await applySearchLanguage(kysely, config.search.language);
  } catch (err) {
    await kysely.destroy().catch(() => undefined);
    await end().catch(() => undefined);
    throw err;
  }
  return {
    kysely,
    kind,
    ...(stats ? { pool: stats } : {}),
    async ping() {
      try {
        await sql`SELECT 1`.execute(kysely);
        return true;
      } catch {
        return false;
      }
    },
    async probe() {
      await sql`SELECT 1`.execute(kysely);
    },
    async close() {
      events.onClose();
      await kysely.destroy().catch(() => undefined);
      await end().catch(() => undefined);
    },
  };
}
