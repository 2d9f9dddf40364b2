/**
 * @module realtime/replay-reader: reads the log for resumes, once per batch of waiting clients instead of once
 * per client. Resumes that ask while a read is being made (or within a short gathering window) wait for the next
 * pass; a pass sorts them by cursor and scans the log from the lowest one (bounded by the horizon): one read
 * serves every client whose cursor falls inside the stretch it covered, and the next read starts at the lowest
 * cursor left. Who may see each event is decided for the whole batch with the hub's rule (realtime/log.ts,
 * `recipients`), and what a resume shows of later edits and deletions once per read (realtime/replay-view.ts).
 * Each client gets, in id order, exactly the events after its cursor that it may see, up to its own horizon.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import type { LongTimer, Clock } from '../clock.js';
import { head, prunedThrough, readAfter, recipients, type LogEvent } from './log.js';
import { asTheyReadNow } from './replay-view.js';

const SCAN = 500;

export interface ReplayEvent {
  event: LogEvent;
  /** False for an event rewritten for replays (its frame is not the logged one, so it is not shared). */
  shareable: boolean;
}

/** One step of a resume: the visible events of the stretch read, and how far the stretch went. */
export type ReplayStep =
  | { events: ReplayEvent[]; to: number; done: boolean }
  /** The cursor cannot be resumed (pruned by retention, or not from this log): start over at `last`. */
  | { resync: number };

interface Request {
  userId: string;
  at: number;
  through: number;
  /** The first step of a resume checks that its cursor can be resumed at all. */
  check: boolean;
  resolve(step: ReplayStep): void;
  reject(err: unknown): void;
}

export class ReplayReader {
  private waiting: Request[] = [];
  private timer?: LongTimer;
  private running = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly timers: Clock,
    /** How long to gather resumes before a pass when no pass is running (0: the next turn of the event loop). */
    private readonly windowMs: number,
    /** Told of each read of the log (metrics). */
    private readonly counted: () => void = () => {},
  ) {}

  /** The next step of a resume of `userId` from `at` up to `through`; `check` for the first step. */
  read(userId: string, at: number, through: number, check: boolean): Promise<ReplayStep> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ userId, at, through, check, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.timer || this.waiting.length === 0) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.pass();
    }, this.windowMs);
  }

  private async pass(): Promise<void> {
    this.running = true;
    const batch = this.waiting;
    this.waiting = [];
    try {
      await this.serve(batch);
    } catch (err) {
      for (const r of batch) r.reject(err); // the ones already served ignore it
    } finally {
      this.running = false;
      this.schedule();
    }
  }

  private async serve(batch: Request[]): Promise<void> {
    let open = batch;
    if (batch.some((r) => r.check)) {
      const [pruned, last] = await Promise.all([prunedThrough(this.db), head(this.db)]);
      open = [];
      for (const r of batch) {
        if (r.check && (r.at < pruned || r.at > last)) r.resolve({ resync: last });
        else open.push(r);
      }
    }
    for (const r of open) if (r.at >= r.through) r.resolve({ events: [], to: r.at, done: true });
    open = open.filter((r) => r.at < r.through).sort((a, b) => a.at - b.at);
    while (open.length > 0) {
      const from = open[0]!.at;
      const through = Math.max(...open.map((r) => r.through));
      const events = await readAfter(this.db, from, through, SCAN);
      this.counted();
      // The stretch (from, end] is read completely: every request whose cursor is inside it is served from it.
      const end = events.length < SCAN ? through : events.at(-1)!.id;
      const served = open.filter((r) => r.at < end);
      open = open.filter((r) => r.at >= end);
      const to = await recipients(this.db, events, [...new Set(served.map((r) => r.userId))]);
      const readers = new Map([...to].map(([id, users]) => [id, new Set(users)]));
      const visible = events.filter((e) => readers.has(e.id));
      const original = new Set(visible);
      const now = await asTheyReadNow(this.db, visible);
      for (const r of served) {
        const upTo = Math.min(end, r.through);
        const mine = now.filter((e) => e.id > r.at && e.id <= upTo && readers.get(e.id)?.has(r.userId));
        r.resolve({ events: mine.map((e) => ({ event: e, shareable: original.has(e) })), to: upTo, done: upTo >= r.through });
      }
    }
  }
}
