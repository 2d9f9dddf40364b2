/**
 * @module jobs/queue: a small durable job queue in the `jobs` table (docs/adr/0001-jobs.md). A job is claimed
 * under a lease (jobs/lease.ts): while the lease runs no other instance takes it; if the instance dies, the lease
 * expires and the job runs again (at-least-once). Success deletes the job in the handler's own
 * transaction, checked against the lease token, so its effects and its completion commit together.
 * All times come from the database clock, so instances on different hosts agree.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import { claimLeased, deleteLeased, ms, releaseLeased } from './lease.js';

export interface ClaimedJob {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  leaseToken: string;
}

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

/** Claims up to `limit` due jobs of one kind for `leaseMs`, oldest first. */
export async function claimJobs(db: Kysely<Database>, kind: string, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
  return toJobs(
    await claimLeased<JobRow>(db, 'jobs', {
      due: sql`d.kind = ${kind} AND d.dead_at IS NULL AND d.run_at <= clock_timestamp()`,
      orderBy: sql`d.run_at, d.id`,
      limit,
      leaseMs,
      returning: JOB_COLUMNS,
    }),
  );
}

/** The columns a claim of jobs returns, and their conversion to claimed jobs. */
export const JOB_COLUMNS = sql`w.id, w.kind, w.payload, w.attempts`;
export type JobRow = { id: number | string; kind: string; payload: Record<string, unknown>; attempts: number };
export const toJobs = ({ token, rows }: { token: string; rows: JobRow[] }): ClaimedJob[] =>
  rows.map((r) => ({ id: Number(r.id), kind: r.kind, payload: r.payload, attempts: r.attempts, leaseToken: token }));

export class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/** Deletes the finished job inside the handler's transaction; throws LeaseLost (rolling it back) if another instance took it over. */
export async function completeJob(trx: Transaction<Database>, job: ClaimedJob): Promise<void> {
  if (!(await deleteLeased(trx, 'jobs', job))) throw new LeaseLost(`job ${job.id}: lease lost`);
}

/** Schedules another try after `retryInMs`, or marks the job dead (kept for inspection) when `dead`. */
export async function failJob(db: Kysely<Database>, job: ClaimedJob, error: string, retryInMs: number, dead: boolean): Promise<void> {
  await releaseLeased(
    db,
    'jobs',
    job,
    sql`last_error = ${error.slice(0, 1000)}, run_at = clock_timestamp() + ${ms(retryInMs)},
        dead_at = CASE WHEN ${dead} THEN clock_timestamp() ELSE NULL END`,
  );
}

export async function countJobs(db: Kysely<Database>, kind: string): Promise<{ queued: number; dead: number }> {
  const { rows } = await sql<{ queued: number | string; dead: number | string }>`
    SELECT count(*) FILTER (WHERE dead_at IS NULL) AS queued, count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead
    FROM jobs WHERE kind = ${kind}`.execute(db);
  return { queued: Number(rows[0]?.queued ?? 0), dead: Number(rows[0]?.dead ?? 0) };
}
