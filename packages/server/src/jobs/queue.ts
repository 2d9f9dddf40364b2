/**
 * @module jobs/queue: a small durable job queue in the `jobs` table (docs/adr/0001-jobs.md). A job is claimed
 * with FOR UPDATE SKIP LOCKED and a lease: while the lease runs no other instance takes it; if the instance dies,
 * the lease expires and the job runs again (at-least-once). Success deletes the job in the handler's own
 * transaction, checked against the lease token, so its effects and its completion commit together.
 * All times come from the database clock, so instances on different hosts agree.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../adapters/db/index.js';

export interface ClaimedJob {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  leaseToken: string;
}

const ms = (n: number) => sql`(${n}::float8 * interval '1 millisecond')`;

/** Adds a job, to run `delayMs` from now, inside the caller's transaction. */
export async function enqueueJob(
  db: Kysely<Database>,
  kind: string,
  payload: Record<string, unknown>,
  delayMs: number,
  now: Date,
): Promise<void> {
  await sql`INSERT INTO jobs (kind, payload, run_at, created_at)
            VALUES (${kind}, ${JSON.stringify(payload)}::jsonb, clock_timestamp() + ${ms(delayMs)}, ${now})`.execute(db);
}

/** Claims up to `limit` due jobs of one kind for `leaseMs`. */
export async function claimJobs(db: Kysely<Database>, kind: string, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
  const token = randomUUID();
  const { rows } = await sql<{ id: number | string; kind: string; payload: Record<string, unknown>; attempts: number }>`
    WITH due AS (
      SELECT id FROM jobs
      WHERE kind = ${kind} AND dead_at IS NULL AND run_at <= clock_timestamp()
        AND (lease_until IS NULL OR lease_until < clock_timestamp())
      ORDER BY run_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE jobs j SET lease_until = clock_timestamp() + ${ms(leaseMs)}, lease_token = ${token}, attempts = j.attempts + 1
    FROM due WHERE j.id = due.id
    RETURNING j.id, j.kind, j.payload, j.attempts`.execute(db);
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, payload: r.payload, attempts: r.attempts, leaseToken: token }));
}

export class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/** Deletes the finished job inside the handler's transaction; throws LeaseLost (rolling it back) if another instance took it over. */
export async function completeJob(trx: Transaction<Database>, job: ClaimedJob): Promise<void> {
  const done = await sql`DELETE FROM jobs WHERE id = ${job.id} AND lease_token = ${job.leaseToken}`.execute(trx);
  if (Number(done.numAffectedRows ?? 0) === 0) throw new LeaseLost(`job ${job.id}: lease lost`);
}

/** Schedules another try after `retryInMs`, or marks the job dead (kept for inspection) when `dead`. */
export async function failJob(db: Kysely<Database>, job: ClaimedJob, error: string, retryInMs: number, dead: boolean): Promise<void> {
  await sql`UPDATE jobs SET lease_until = NULL, lease_token = NULL, last_error = ${error.slice(0, 1000)},
              run_at = clock_timestamp() + ${ms(retryInMs)},
              dead_at = CASE WHEN ${dead} THEN clock_timestamp() ELSE NULL END
            WHERE id = ${job.id} AND lease_token = ${job.leaseToken}`.execute(db);
}

export async function countJobs(db: Kysely<Database>, kind: string): Promise<{ queued: number; dead: number }> {
  const { rows } = await sql<{ queued: number | string; dead: number | string }>`
    SELECT count(*) FILTER (WHERE dead_at IS NULL) AS queued, count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead
    FROM jobs WHERE kind = ${kind}`.execute(db);
  return { queued: Number(rows[0]?.queued ?? 0), dead: Number(rows[0]?.dead ?? 0) };
}
