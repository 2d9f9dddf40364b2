/**
 * @module jobs/lease: the one lease over queue rows (`jobs`, `webhook_deliveries`; docs/adr/0001-jobs.md). A round
 * claims due rows with FOR UPDATE SKIP LOCKED, stamping them with its token and `lease_until`; while the lease
 * runs no other instance takes them, and when it lapses (the instance died) they are claimed again (at-least-once).
 * Renewing, finishing and releasing a row are checked against the token, so a round that lost its lease changes
 * nothing. All times come from the database clock, so instances on different hosts agree.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../adapters/db/index.js';

/** The tables that carry `id`, `attempts`, `lease_until` and `lease_token`. */
export type LeasedTable = 'jobs' | 'webhook_deliveries';

/** A row held by a lease: its id and the token of the round that claimed it. */
export interface Leased {
  id: number | string;
  leaseToken: string;
}

/** An interval of `n` milliseconds, in SQL. */
export const ms = (n: number): RawBuilder<unknown> => sql`(${n}::float8 * interval '1 millisecond')`;

export interface ClaimOptions {
  /** Which rows are due, over the alias `d` (the lease condition is added here). */
  due: RawBuilder<unknown>;
  /** The claim order, over `d`. */
  orderBy: RawBuilder<unknown>;
  limit: number;
  leaseMs: number;
  /** What the claim returns, over the alias `w` (the updated row). */
  returning: RawBuilder<unknown>;
  /** More assignments made by the claim, over `w`. */
  alsoSet?: RawBuilder<unknown>;
}

/** Claims up to `limit` due, unleased rows for `leaseMs`, counting an attempt on each. */
export async function claimLeased<R>(db: Kysely<Database>, table: LeasedTable, o: ClaimOptions): Promise<{ token: string; rows: R[] }> {
  const token = randomUUID();
  const t = sql.raw(table);
  const { rows } = await sql<R>`
    WITH due AS (
      SELECT d.id FROM ${t} d
      WHERE (d.lease_until IS NULL OR d.lease_until < clock_timestamp()) AND (${o.due})
      ORDER BY ${o.orderBy}
      LIMIT ${o.limit}
      FOR UPDATE OF d SKIP LOCKED
    )
    UPDATE ${t} w SET lease_until = clock_timestamp() + ${ms(o.leaseMs)}, lease_token = ${token}, attempts = w.attempts + 1
      ${o.alsoSet ? sql`, ${o.alsoSet}` : sql``}
    FROM due WHERE w.id = due.id
    RETURNING ${o.returning}`.execute(db);
  return { token, rows };
}

const affected = (res: { numAffectedRows?: bigint }) => Number(res.numAffectedRows ?? 0) > 0;

/** Extends the lease by `leaseMs` from now; false when another round holds the row now. */
export async function renewLease(db: Kysely<Database>, table: LeasedTable, row: Leased, leaseMs: number): Promise<boolean> {
  return affected(
    await sql`UPDATE ${sql.raw(table)} SET lease_until = clock_timestamp() + ${ms(leaseMs)}
              WHERE id = ${row.id} AND lease_token = ${row.leaseToken}`.execute(db),
  );
}

/** Deletes a finished row (inside the caller's transaction, if given one); false when the lease was lost. */
export async function deleteLeased(db: Kysely<Database>, table: LeasedTable, row: Leased): Promise<boolean> {
  return affected(await sql`DELETE FROM ${sql.raw(table)} WHERE id = ${row.id} AND lease_token = ${row.leaseToken}`.execute(db));
}

/** Ends the lease, writing `set` (over the row's own columns) with it; false when the lease was lost. */
export async function releaseLeased(db: Kysely<Database>, table: LeasedTable, row: Leased, set: RawBuilder<unknown>): Promise<boolean> {
  return affected(
    await sql`UPDATE ${sql.raw(table)} SET ${set}, lease_until = NULL, lease_token = NULL
              WHERE id = ${row.id} AND lease_token = ${row.leaseToken}`.execute(db),
  );
}
