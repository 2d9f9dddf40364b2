/**
 * @module db/pglite-pool: PGlite (PostgreSQL in WASM) behind the small slice of pg's Pool interface Kysely uses,
 * so the embedded default runs the same SQL and migrations as PostgreSQL. PGlite has one session, so a
 * checkout is exclusive: callers queue until the holder releases it (a transaction owns the session).
 */
import { PGlite } from '@electric-sql/pglite';

interface QueryResult {
  command: string;
  rowCount: number;
  rows: unknown[];
}

export interface PgliteClient {
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  release(): void;
}

function commandOf(sql: string): string {
  const m = /^\s*(?:with\b[\s\S]*?\)\s*)?(\w+)/i.exec(sql);
  return (m?.[1] ?? '').toUpperCase();
}

export class PglitePool {
  private queue: Promise<void> = Promise.resolve();

  private constructor(readonly pg: PGlite) {}

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
    const pg = this.pg;
    return {
      async query(sql, params = []) {
        if (params.length === 0) {
          const results = await pg.exec(sql);
          const last = results.at(-1);
          return { command: commandOf(sql), rowCount: last?.affectedRows ?? last?.rows.length ?? 0, rows: last?.rows ?? [] };
        }
        const r = await pg.query(sql, params as unknown[]);
        return { command: commandOf(sql), rowCount: r.affectedRows ?? r.rows.length, rows: r.rows };
      },
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
