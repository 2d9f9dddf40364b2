/**
 * @module realtime/hub: the one reader of the event log per instance. Woken by the bus (and by a slow poll in
 * case a bus message was lost), it reads new events in id order in batches, decides their recipients among
 * this instance's connections in one query per batch (realtime/log.ts), serializes each event once, and hands
 * the same frame to every connection that may see it. It reads only up to the log's horizon (events/horizon.ts),
 * so ids reach every connection in order even though writers commit in parallel. Presence goes out through
 * realtime/presence-fanout.ts, to the connections the hub knows (`local`, `pushTo`).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../adapters/db/index.js';
import type { LinkSigner } from '../http/links.js';
import type { Bus } from '../events/bus.js';
import type { Dependency } from '../health/dependency.js';
import { LogHorizon } from '../events/horizon.js';
import type { Connection, Frame } from './connection.js';
import { EventFrames } from './frames.js';
import { readAfter, recipients } from './log.js';

const BATCH = 500;
/** While a fence waits for writers, look again this soon even if no announce comes (a writer that died). */
const FENCE_RETRY_MS = 20;

export class Hub {
  private readonly users = new Map<string, Set<Connection>>();
  private cursor = 0;
  private pumping: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly unsubscribe: (() => void)[] = [];
  private poller?: NodeJS.Timeout;
  private readonly horizon: LogHorizon;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly bus: Bus,
    /** Reports reading failures once per outage; the cursor only moves past delivered events, so reading resumes there. */
    private readonly health: Pick<Dependency, 'ok' | 'failed'>,
    private readonly signer: LinkSigner,
    /** Told how many event frames each batch handed to connections (metrics). */
    private readonly delivered: (frames: number) => void = () => {},
    private readonly pollMs = 2000,
  ) {
    this.horizon = new LogHorizon(db);
  }

  /** How far the log is final: a resume reads up to here, and the hub delivers everything after it. */
  get settled(): number {
    return this.horizon.settled;
  }

  /** Starts at the current end of the log: a connection that wants older events asks for a replay. */
  async start(): Promise<void> {
    this.cursor = await this.horizon.catchUp();
    this.unsubscribe.push(this.bus.onAnnounce((id) => id > this.cursor && this.wake()));
    this.poller = setInterval(() => this.wake(), this.pollMs);
    this.poller.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poller);
    clearTimeout(this.retry);
    for (const u of this.unsubscribe) u();
    await this.pumping;
  }

  /** From now on the connection receives what its user may see (call before reading a replay). */
  add(conn: Connection): void {
    const set = this.users.get(conn.userId) ?? new Set<Connection>();
    set.add(conn);
    this.users.set(conn.userId, set);
  }

  remove(conn: Connection): void {
    const set = this.users.get(conn.userId);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) this.users.delete(conn.userId);
  }

  /** The users with a connection on this instance. */
  local(): Iterable<string> {
    return this.users.keys();
  }

  /** Hands a frame that is not in the log (presence) to every connection of a user on this instance. */
  pushTo(userId: string, frame: Frame): void {
    for (const conn of this.users.get(userId) ?? []) conn.push(frame);
  }

  /** Every connection on this instance (for shutdown). */
  connections(): Connection[] {
    return [...this.users.values()].flatMap((s) => [...s]);
  }

  private wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .then(() => this.health.ok())
      .catch((err: unknown) => this.health.failed(err)) // retried on the next wake-up (the poll, or a commit)
      .finally(() => {
        this.pumping = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake();
        } else if (this.horizon.waiting && !this.stopped && !this.retry) {
          this.retry = setTimeout(() => {
            this.retry = undefined;
            this.wake();
          }, FENCE_RETRY_MS);
          this.retry.unref();
        }
      });
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      const through = await this.horizon.advance();
      for (;;) {
        if (this.stopped) return;
        if (this.users.size === 0) {
          // Nobody to deliver to: skip ahead (a later connection resumes from its own cursor).
          this.cursor = Math.max(this.cursor, through);
          break;
        }
        const events = await readAfter(this.db, this.cursor, through, BATCH);
        if (events.length === 0) break;
        const to = await recipients(this.db, events, [...this.users.keys()]);
        for (const e of events) {
          const users = to.get(e.id);
          if (!users) continue;
          const frames = new EventFrames(e, this.signer);
          const conns = users.flatMap((u) => [...(this.users.get(u) ?? [])]);
          const shared = frames.shared();
          this.delivered(conns.length);
          if (shared) for (const conn of conns) conn.push(shared);
          else
            for (const [conn, frame] of await Promise.all(conns.map(async (c) => [c, await frames.for(c.baseUrl)] as const)))
              conn.push(frame);
        }
        this.cursor = events[events.length - 1]!.id;
        if (events.length < BATCH) break;
      }
    } while (this.again && !this.stopped);
  }
}
