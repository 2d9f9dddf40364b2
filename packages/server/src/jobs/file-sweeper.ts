/**
 * @module jobs/file-sweeper: keeps the file store free of orphans. Each round drops expired uploads (never
 * attached within the claim window; or attached, once their upload URL can no longer write) and deletes the
 * stored objects queued in file_garbage (by the triggers of migration 0004, when an upload, attachment, message
 * or dialog row goes). Safe on several instances: deleting twice is harmless.
 */
import type { Services } from '../context.js';
import { AppError } from '../errors.js';

const BATCH = 200;

export interface FileSweeper {
  /** One round now (also what the timer runs); resolves to the number of objects deleted. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

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

export function startFileSweeper(svc: Services): FileSweeper {
  let stopped = false;
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const health = svc.health.register('file sweeper', 'loop');
  const sweep = (): Promise<number> => {
    running ??= (async () => {
      const outcome = await health.guard(async () => {
        await expireUploads(svc);
        let total = 0;
        for (let n = await deleteGarbage(svc); n > 0 && !stopped; n = await deleteGarbage(svc)) total += n;
        return total;
      });
      running = undefined;
      return outcome.ok ? outcome.value : 0;
    })();
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => void sweep().finally(schedule),
      health.delayMs(svc.files.settings.sweepIntervalMs, Math.max(svc.files.settings.sweepIntervalMs, 300_000)),
    );
    timer.unref();
  };
  schedule();
  return {
    sweep,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
