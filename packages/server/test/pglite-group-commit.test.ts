/**
 * PGlite group commit (db/pglite-pool.ts): transactions queued for the one session share a database transaction,
 * each in its own savepoint. One that fails takes only its own writes with it; a COMMIT answers once the group is
 * durable; a read outside a transaction sees only committed data. Runs on PGlite itself (in memory).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PglitePool } from '../src/adapters/db/pglite-pool.js';

let pool: PglitePool;
let db: Kysely<{ t: { k: string } }>;

beforeAll(async () => {
  pool = await PglitePool.open(undefined);
  db = new Kysely({ dialect: new PostgresDialect({ pool: pool as never }) });
  await sql`CREATE TABLE t (k text PRIMARY KEY)`.execute(db);
});
afterAll(async () => {
  await db.destroy();
});

const keys = async () => (await db.selectFrom('t').select('k').orderBy('k').execute()).map((r) => r.k);

it('a failing transaction in a group loses only its own writes', async () => {
  const results = await Promise.allSettled(
    ['a', 'b', 'c', 'd'].map((k) =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ k }).execute();
        await trx
          .insertInto('t')
          .values({ k: `${k}2` })
          .execute();
        if (k === 'b') throw new Error('fails after writing');
      }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  expect(await keys()).toEqual(['a', 'a2', 'c', 'c2', 'd', 'd2']);
});

it('a transaction that goes on after a failed statement cannot commit, and spoils no other', async () => {
  const results = await Promise.allSettled(
    ['e', 'f', 'g'].map((k) =>
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ k }).execute();
        // A duplicate key: the statement fails, and this transaction swallows the error and commits anyway.
        if (k === 'f')
          await trx
            .insertInto('t')
            .values({ k: 'a' })
            .execute()
            .catch(() => undefined);
      }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(await keys()).toEqual(['a', 'a2', 'c', 'c2', 'd', 'd2', 'e', 'g']);
});

it('a read queued behind transactions sees what they committed', async () => {
  let committed = false;
  const writer = db
    .transaction()
    .execute(async (trx) => {
      await trx.insertInto('t').values({ k: 'h' }).execute();
    })
    .then(() => (committed = true));
  // Queued behind the writer: when it reads, the writer's row is there and its COMMIT has been answered or is due.
  const reader = db.selectFrom('t').select('k').where('k', '=', 'h').execute();
  const [rows] = await Promise.all([reader, writer]);
  expect(rows).toEqual([{ k: 'h' }]);
  expect(committed).toBe(true);
});
