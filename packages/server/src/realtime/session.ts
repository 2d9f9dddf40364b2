/**
 * @module realtime/session: the life of one connection, the same for WebSocket and SSE: `connected` first,
 * registration with the hub, presence, the optional resume from `last_event_id`, pings, and the goodbye.
 *
 * Resume without gap or duplicate: the connection is registered for live events BEFORE the replay is read, and
 * live frames are held back while the replay runs; then the held frames follow, minus the ids the replay
 * already sent (Connection drops any id at or below the last one sent). The replay reads up to the hub's
 * horizon as it stands after registration: everything after it reaches the connection live, in order. The log
 * is read for many resumes at once (realtime/replay-reader.ts).
 */
import type { AgentItemPartialFrame } from '@parley/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { isConnectionError } from '../health/connection-errors.js';
import type { LinkSigner } from '../http/links.js';
import type { Metrics } from '../metrics.js';
import { Frame, RESYNC, type Connection } from './connection.js';
import type { Hub } from './hub.js';
import type { ReplayReader } from './replay-reader.js';
import { SharedFrames } from './shared-frames.js';
import type { Presence } from './presence.js';

/** Replay frames kept for sharing between resumes (realtime/shared-frames.ts). */
const SHARED_FRAME_BYTES = 32 * 1024 * 1024;

export class Sessions {
  constructor(
    private readonly hub: Hub,
    private readonly presence: Presence,
    private readonly reader: ReplayReader,
    signer: LinkSigner,
    private readonly metrics: Metrics,
    private readonly log: FastifyBaseLogger,
    /** Frames a fresh connection (no cursor) gets after `connected`: agent items streaming right now. */
    private readonly snapshot?: (userId: string) => Promise<AgentItemPartialFrame[]>,
  ) {
    this.frames = new SharedFrames(signer, SHARED_FRAME_BYTES);
  }

  private readonly frames: SharedFrames;

  /** Starts a connection; `cursor` is the client's last_event_id, when it sent one. */
  async open(conn: Connection, cursor: number | undefined): Promise<void> {
    if (cursor === undefined) {
      // A connection without a cursor is live from here: everything after `last_event_id` reaches it, and what is
      // at or below it is committed, so a client that loads its state after `connected` and resumes from this id
      // later (even before its first event) has no gap. Read and registered in one turn of the event loop.
      const from = this.hub.settled;
      conn.push(Frame.control({ type: 'connected', employee_id: conn.userId, last_event_id: from }, from));
    } else {
      conn.push(Frame.control({ type: 'connected', employee_id: conn.userId }));
      conn.beginReplay(cursor);
    }
    this.hub.add(conn);
    void this.presence.opened(conn.userId, conn.id);
    if (cursor !== undefined) await this.replay(conn, cursor);
    else if (this.snapshot) for (const f of await this.streamingNow(conn.userId)) conn.push(Frame.control(f));
    this.metrics.sessionsOpened.inc();
  }

  /** The agent items streaming now; none when they cannot be read (logged: the client still gets them as they end). */
  private async streamingNow(userId: string): Promise<AgentItemPartialFrame[]> {
    try {
      return await this.snapshot!(userId);
    } catch (err) {
      this.log.warn({ err, userId }, 'realtime: streaming agent items could not be read for a new connection');
      return [];
    }
  }

  /** The client's `{"type":"ping"}` (or a protocol-level pong): refresh presence, answer `pong`. */
  ping(conn: Connection, answer: boolean): void {
    void this.presence.refreshed(conn.userId, conn.id);
    if (answer) conn.push(Frame.control({ type: 'pong' }));
  }

  /** Presence refresh without an answer (an SSE heartbeat went out). */
  alive(conn: Connection): void {
    void this.presence.refreshed(conn.userId, conn.id);
  }

  /** The connection gave up on a slow client (its queue was full): counted, then closed. */
  overflowed(conn: Connection): void {
    this.metrics.resyncs.inc();
    this.close(conn);
  }

  /** The socket closed, or the connection gave up on a slow client. Idempotent. */
  close(conn: Connection): void {
    conn.close();
    this.hub.remove(conn);
    if (this.ended.has(conn)) return;
    this.ended.add(conn);
    void this.presence.closed(conn.userId, conn.id);
  }

  private readonly ended = new WeakSet<Connection>();

  /**
   * Replays one step after `at` (read with the other resumes waiting now); stops early once the client's queue
   * holds half its budget. Returns where it got to, and whether the replay is complete.
   */
  private async replayStep(conn: Connection, at: number, through: number, first: boolean): Promise<{ at: number; done: boolean }> {
    const step = await this.reader.read(conn.userId, at, through, first);
    if ('resync' in step) {
      // Events after this cursor are gone (retention), or the cursor is not from this log: start over.
      conn.resetCursor();
      conn.replay(Frame.control(RESYNC, step.resync));
      return { at, done: true };
    }
    for (const { event, shareable } of step.events) {
      if (conn.closed) return { at, done: true };
      conn.replay(await this.frames.frame(event, conn.baseUrl, shareable));
      this.metrics.eventsDelivered.inc({ path: 'replay' });
      at = event.id;
      // Paced in bytes: a client that does not read holds at most half its queue budget of replay.
      if (conn.backlogged && event !== step.events.at(-1)?.event) return { at, done: false };
    }
    return { at: step.to, done: step.done };
  }

  private async replay(conn: Connection, cursor: number): Promise<void> {
    try {
      let at = cursor;
      const through = this.hub.settled;
      let first = true;
      while (!conn.closed) {
        const step = await this.replayStep(conn, at, through, first);
        first = false;
        at = step.at;
        if (step.done) break;
        // Nothing of the batch is held while waiting: a client that does not read costs its queue, no more.
        await conn.drained();
      }
    } catch (err) {
      // The database is away: drop the connection (the caller closes the socket) and let the client come back
      // with the same cursor, rather than sending it to refetch state it cannot fetch either (docs/operations.md).
      if (isConnectionError(err)) throw err;
      // The log could not be read: the client must not believe it is up to date.
      this.log.error({ err, userId: conn.userId, cursor }, 'realtime: replay failed, the client is told to resync');
      conn.resetCursor();
      conn.replay(Frame.control(RESYNC));
    } finally {
      conn.endReplay();
    }
  }
}
