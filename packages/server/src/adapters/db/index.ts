/** @module db: opens PostgreSQL (DATABASE_URL) or the embedded PGlite under DATA_DIR, and runs migrations. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../../config.js';
import { migrate } from './migrations.js';
import { PglitePool } from './pglite-pool.js';
import type { Database } from './schema.js';

export type { Database } from './schema.js';

export interface Db {
  kysely: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  ping(): Promise<boolean>;
  /** The PostgreSQL pool's counts (metrics); undefined on PGlite (one session). */
  pool?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

// int8 columns (counters, event ids) come back as strings from pg; they fit a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openDatabase(config: Config): Promise<Db> {
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
      options: c.schema ? `-c search_path=${c.schema}` : undefined,
    });
    p.on('error', () => {
      // An idle client lost its connection; the pool replaces it. Readiness reports the outage.
    });
    if (c.schema) {
      const client = await p.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${c.schema}"`);
      } finally {
        client.release();
      }
    }
    pool = p;
    end = () => p.end();
    kind = 'postgres';
    stats = () => ({ total: p.totalCount, idle: p.idleCount, waiting: p.waitingCount });
  } else {
    const dir = join(config.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    const p = await PglitePool.open(dir);
    pool = p;
    end = () => p.end();
    kind = 'pglite';
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as never }) });
  await migrate(kysely);
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
    async close() {
      await kysely.destroy().catch(() => undefined);
      await end().catch(() => undefined);
    },
  };
}
