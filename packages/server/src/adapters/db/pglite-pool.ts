/**
 * @module db/pglite-pool: PGlite (PostgreSQL in WASM) behind the small slice of pg's Pool interface Kysely uses,
 * so the embedded default runs the same SQL and migrations as PostgreSQL. PGlite has one session, so a
 * checkout is exclusive: callers queue until the holder releases it (a transaction owns the session).
 * Queries with parameters run as prepared statements (db/pglite-statements.ts), one call into PGlite each.
 */
import { PGlite } from '@electric-sql/pglite';
import { PreparedStatements, type QueryResult } from './pglite-statements.js';

export interface PgliteClient {
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  release(): void;
}

export class PglitePool {
  private queue: Promise<void> = Promise.resolve();
  private readonly statements: PreparedStatements;

  private constructor(readonly pg: PGlite) {
    this.statements = new PreparedStatements(pg);
  }

  static async open(dataDir: string | undefined): Promise<PglitePool> {
    const pg = dataDir ? new PGlite(dataDir) : new PGlite();
    await pg.waitReady;
    return new PglitePool(pg);
  }

  /** Waits for the single session, then hands it out until release() is called. */
  async connect(): Promise<PgliteClient> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = this.queue;
    this.queue = previous.then(() => held);
    await previous;
    let released = false;
    const statements = this.statements;
    return {
      query: (sql, params = []) => statements.run(sql, params),
      release() {
        if (!released) {
          released = true;
          release();
        }
      },
    };
  }

  async end(): Promise<void> {
    await this.queue;
    await this.pg.close();
  }
}
