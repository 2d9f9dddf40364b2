/**
 * @module jobs/file-sweeper: keeps the file store free of orphans. Each round drops expired uploads (never
 * attached within the claim window; or attached, once their upload URL can no longer write) and deletes the
 * stored objects queued in file_garbage (by the triggers of migration 0004, when an upload, attachment, message
 * or dialog row goes). Safe on several instances: deleting twice is harmless.
 */
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { startPollLoop, type PollLoop } from './poll-loop.js';

const BATCH = 200;

async function expireUploads(svc: Services): Promise<void> {
  const now = svc.now();
  await svc.db.kysely
    .deleteFrom('uploads')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('uploads')
        .select('id')
        .where((w) =>
          w.or([
            w.and([
              w('state', '<>', 'claimed'),
              w('claim_until', '<', now),
              w.or([w('state', '<>', 'sealing'), w('lease_until', '<', now)]),
            ]),
            w.and([w('state', '=', 'claimed'), w('url_expires_at', '<', now)]),
          ]),
        )
        .limit(BATCH),
    )
    .execute();
}

async function deleteGarbage(svc: Services): Promise<number> {
  const rows = await svc.db.kysely.selectFrom('file_garbage').select('key').orderBy('queued_at').limit(BATCH).execute();
  const done: string[] = [];
  for (const { key } of rows) {
    try {
      await svc.files.store.delete(key);
      done.push(key);
    } catch (err) {
      // The store is away: end the round (the sweeper backs off; the outage is logged once).
      if (err instanceof AppError && err.code === 'STORAGE_UNAVAILABLE') throw err;
      svc.log.warn({ err, key }, 'could not delete a stored file; will retry');
    }
  }
  if (done.length > 0) await svc.db.kysely.deleteFrom('file_garbage').where('key', 'in', done).execute();
  return done.length;
}

/** Sweeps at start and every sweep interval, a batch at a time while there is garbage (jobs/poll-loop.ts). */
export function startFileSweeper(svc: Services): PollLoop {
  const every = svc.files.settings.sweepIntervalMs;
  let midSweep = false;
  return startPollLoop(
    svc.clock,
    svc.health.register('file sweeper', 'loop'),
    every,
    async () => {
      // Expired uploads once per sweep, before its first batch of garbage.
      if (!midSweep) await expireUploads(svc);
      midSweep = false;
      midSweep = (await deleteGarbage(svc)) > 0;
      return midSweep;
    },
    Math.max(every, 300_000),
  );
}
