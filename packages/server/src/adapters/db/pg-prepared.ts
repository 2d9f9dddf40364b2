/**
 * @module db/pg-prepared: PostgreSQL's pool as Kysely sees it, with every statement that has parameters run as a
 * named prepared statement (db/statement-names.ts): each session parses and plans a statement once, not on every
 * call. Needs sessions that keep their prepared statements: a direct connection, or PgBouncer in session mode
 * (or 1.21+ with `max_prepared_statements`); DATABASE_PREPARED_STATEMENTS=false turns it off.
 */
import type pg from 'pg';
import { isSchemaChange, StatementNames } from './statement-names.js';

interface Client {
  query(sql: string, params?: readonly unknown[]): Promise<unknown>;
  release(err?: Error | boolean): void;
}

/** A pg.Pool's `connect()` whose clients prepare what they run (the rest of the pool is used as it is). */
export function preparedPool(pool: pg.Pool): { connect(): Promise<Client>; end(): Promise<void> } {
  const names = new StatementNames();
  return {
    async connect() {
      const client = await pool.connect();
      return {
        async query(sql: string, params: readonly unknown[] = []) {
          if (isSchemaChange(sql)) names.newGeneration();
          const name = names.nameFor(sql, params.length);
          if (name === undefined) return client.query(sql, params as unknown[]);
          return client.query({ name, text: sql, values: params as unknown[] });
        },
        release: (err?: Error | boolean) => client.release(err),
      };
    },
    end: () => pool.end(),
  };
}
