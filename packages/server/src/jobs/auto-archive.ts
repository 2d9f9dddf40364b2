/**
 * @module jobs/auto-archive: runs actions/auto-archive on ARCHIVE_CRON (UTC, seconds first, parsed by croner).
 * Every instance keeps the schedule; the one that claims a tick in `cron_ticks` runs it, so each tick runs once.
 * A tick lost to a crash is made up by the next one: archiving depends only on the state at the time.
 */
import { Cron } from 'croner';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import { archiveInactiveDialogs } from '../actions/auto-archive.js';
import type { Services } from '../context.js';
import { MAX_TIMER_MS } from '../clock.js';
import { startPollLoop, type PollLoop } from './poll-loop.js';

export const ARCHIVE_TICK = 'auto-archive';

/** True for exactly one caller per (name, tick), across instances. */
export async function claimTick(db: Kysely<Database>, name: string, tick: Date): Promise<boolean> {
  const { rows } = await sql`
    INSERT INTO cron_ticks (name, last_tick) VALUES (${name}, ${tick})
    ON CONFLICT (name) DO UPDATE SET last_tick = EXCLUDED.last_tick WHERE cron_ticks.last_tick < EXCLUDED.last_tick
    RETURNING name`.execute(db);
  return rows.length > 0;
}

export interface TickStatus {
  last_tick_at: Date | null;
  finished_tick_at: Date | null;
  finished_at: Date | null;
  last_result: Record<string, unknown> | null;
}

export async function tickStatus(db: Kysely<Database>, name: string): Promise<TickStatus> {
  const row = await db.selectFrom('cron_ticks').selectAll().where('name', '=', name).executeTakeFirst();
  return {
    last_tick_at: row?.last_tick ?? null,
    finished_tick_at: row?.finished_tick ?? null,
    finished_at: row?.finished_at ?? null,
    last_result: row?.last_result ?? null,
  };
}

/** Starts the auto-archive schedule (a poll loop that waits for the next cron tick), or undefined when ARCHIVE_CRON=off. */
export function startAutoArchive(svc: Services): PollLoop | undefined {
  const { archiveCron, archiveAfterSecs } = svc.config.jobs;
  if (!archiveCron) return undefined;
  const cron = new Cron(archiveCron, { paused: true, timezone: 'UTC' });
  let next = cron.nextRun(svc.now());
  const untilNext = () => (next ? Math.max(1, next.getTime() - svc.now().getTime()) : MAX_TIMER_MS);

  // A failed tick is made up by the next one; the outage is logged once (health/dependency.ts).
  return startPollLoop(svc.clock, svc.health.register('auto-archive', 'loop'), untilNext, async () => {
    const at = next;
    if (!at || at.getTime() > svc.now().getTime()) return false;
    next = cron.nextRun(new Date(Math.max(at.getTime(), svc.now().getTime())));
    if (!(await claimTick(svc.db.kysely, ARCHIVE_TICK, at))) return false;
    const archived = await archiveInactiveDialogs(svc, new Date(at.getTime() - archiveAfterSecs * 1000));
    await svc.db.kysely
      .updateTable('cron_ticks')
      .set({ finished_tick: at, finished_at: svc.now(), last_result: JSON.stringify({ archived }) })
      .where('name', '=', ARCHIVE_TICK)
      .execute();
    if (archived > 0) svc.log.info({ archived }, 'auto-archive');
    return false;
  });
}
