/**
 * Prepared statements (db/statement-names.ts, db/pg-prepared.ts, db/pglite-statements.ts): a statement with
 * parameters is prepared once per session under a name and reused; a schema change starts new names; on
 * PostgreSQL, DATABASE_PREPARED_STATEMENTS=false runs everything unnamed. Checked in the database's own
 * pg_prepared_statements, on the backend the project runs (one connection, so every query sees the same session).
 */
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/db/index.js';
import { loadConfig } from '../src/app.js';
import { dropSchema, testEnv } from './support/server.js';

const opened: { db: Db; env: Record<string, string | undefined> }[] = [];
afterEach(async () => {
  for (const { db, env } of opened.splice(0)) {
    await db.close();
    await dropSchema(env.DATABASE_URL, env.DATABASE_SCHEMA);
  }
});

async function open(overrides: Record<string, string> = {}): Promise<Db> {
  const env = testEnv({ DATABASE_MAX_CONNECTIONS: '1', ...overrides });
  const db = await openDatabase(loadConfig(env));
  opened.push({ db, env });
  return db;
}

/** The session's prepared statements named by Parley (asked without parameters, so the question is not one). */
async function prepared(db: Db): Promise<{ name: string; statement: string }[]> {
  const r = await sql<{
    name: string;
    statement: string;
  }>`SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'parley%' ORDER BY name`.execute(db.kysely);
  return r.rows;
}

const lookup = (db: Db, id: string) => db.kysely.selectFrom('dialogs').select('id').where('object_id', '=', id).execute();

it('prepares a statement with parameters once and runs it again under the same name', async () => {
  const db = await open();
  await lookup(db, 'a');
  const first = (await prepared(db)).filter((p) => p.statement.includes('"object_id" = $1'));
  expect(first).toHaveLength(1);
  await lookup(db, 'b');
  await lookup(db, 'c');
  expect((await prepared(db)).filter((p) => p.statement.includes('"object_id" = $1'))).toEqual(first);
});

it('gives statements new names after a schema change', async () => {
  const db = await open();
  await lookup(db, 'a');
  const before = (await prepared(db)).find((p) => p.statement.includes('"object_id" = $1'))!;
  await sql`CREATE TABLE prepared_probe (k text)`.execute(db.kysely);
  await lookup(db, 'b');
  const now = (await prepared(db)).filter((p) => p.statement.includes('"object_id" = $1')).map((p) => p.name);
  expect(now.some((n) => n !== before.name)).toBe(true);
});

// The switch is for PostgreSQL behind a pooler; PGlite has one session of its own and always prepares.
if (process.env.PARLEY_TEST_BACKEND === 'postgres') {
  it('runs everything unnamed on PostgreSQL with DATABASE_PREPARED_STATEMENTS=false', async () => {
    const db = await open({ DATABASE_PREPARED_STATEMENTS: 'false' });
    await lookup(db, 'a');
    await lookup(db, 'b');
    expect(await prepared(db)).toEqual([]);
  });
}
