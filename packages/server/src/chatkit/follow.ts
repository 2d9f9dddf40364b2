/**
 * @module chatkit/follow: a ChatKit stream is a view of the event log: the agent.* events of the runs a request
 * started, read in id order (woken by the bus, so it works whichever instance runs the agent) and turned back
 * into ChatKit ThreadStreamEvents, until every run has finished.
 */
import { sql } from 'kysely';
import type { Services } from '../context.js';
import { LogHorizon } from '../events/horizon.js';
import { ordered } from './key-order.js';

export type ChatKitEvent = Record<string, unknown> & { type: string };

/** The ChatKit event for one of Parley's agent events (undefined for run bookkeeping). */
export function chatKitEvent(type: string, p: Record<string, unknown>): ChatKitEvent | undefined {
  switch (type) {
    case 'agent.item.added':
      return { type: 'thread.item.added', item: p.item };
    case 'agent.item.updated':
      return { type: 'thread.item.updated', item_id: p.item_id, update: p.update };
    case 'agent.item.done':
      return { type: 'thread.item.done', item: p.item };
    case 'agent.item.replaced':
      return { type: 'thread.item.replaced', item: p.item };
    case 'agent.item.removed':
      return { type: 'thread.item.removed', item_id: p.item_id };
    case 'agent.signal':
      return p.event as ChatKitEvent;
    case 'agent.error':
      return { type: 'error', code: p.code, ...(p.message ? { message: p.message } : {}), allow_retry: p.allow_retry };
    default:
      return undefined;
  }
}

/** The log's last id now (start following from here BEFORE the action that queues the runs). */
export async function logHead(svc: Services): Promise<number> {
  const r = await sql<{ id: unknown }>`SELECT coalesce(max(id), 0) AS id FROM events`.execute(svc.db.kysely);
  return Number(r.rows[0]?.id ?? 0);
}

/** Yields the ChatKit events of `runIds` in `dialogId` after `cursor` until they have all finished, or `signal` aborts. */
export async function* followRuns(
  svc: Services,
  dialogId: string,
  cursor: number,
  runIds: readonly string[],
  signal: AbortSignal,
): AsyncGenerator<ChatKitEvent> {
  const open = new Set(runIds);
  // Several runs write at once, so ids can commit out of order: read only as far as the log is final.
  const horizon = new LogHorizon(svc.db.kysely);
  let wake: (() => void) | undefined;
  let dirty = false;
  const unsubscribe = svc.bus.onAnnounce(() => {
    dirty = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    while (open.size > 0 && !signal.aborted) {
      dirty = false;
      const through = await horizon.advance();
      const rows = await svc.db.kysely
        .selectFrom('events')
        .select(['id', 'type', 'payload'])
        .where('dialog_id', '=', dialogId)
        .where(sql<boolean>`id > ${cursor}`)
        .where(sql<boolean>`id <= ${through}`)
        .where('type', 'like', 'agent.%')
        .orderBy('id')
        .limit(500)
        .execute();
      for (const r of rows) {
        cursor = Number(r.id);
        const p = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>;
        if (!open.has(p.run_id as string)) continue;
        if (r.type === 'agent.run.finished') {
          open.delete(p.run_id as string);
          continue;
        }
        const ev = chatKitEvent(r.type, p);
        if (ev) yield ordered(ev);
      }
      if (rows.length === 500 || open.size === 0 || dirty) continue;
      await new Promise<void>((resolve) => {
        // While writers the horizon waits for are still open, look again soon; otherwise the bus wakes us.
        const timer = setTimeout(resolve, horizon.waiting ? 10 : 1000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', onAbort);
  }
}
