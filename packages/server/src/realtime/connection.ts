/**
 * @module realtime/connection: one client connection (WebSocket or SSE) as the hub sees it: an ordered,
 * bounded outbound queue with backpressure, de-duplication by event id, and the replay window of a resume.
 * A client that does not keep up is not buffered without bound: when its queue is full (in frames or in bytes)
 * it is told to resync and closed (docs/events.md, "Backpressure").
 */
import { randomUUID } from 'node:crypto';
import type { ControlFrame } from '@parley/protocol';

/** Something to send, serialized once and shared by every connection that receives it. */
export class Frame {
  private sseText?: string;

  /**
   * @param text the JSON text of the event
   * @param id the event's log id (undefined for frames that are not in the log: connected, pong, presence)
   * @param sseOnly a comment line for SSE (heartbeat), never sent over WebSocket
   */
  constructor(
    readonly text: string,
    readonly id?: number,
    readonly sseOnly = false,
    private readonly sseId?: number,
  ) {}

  static control(value: ControlFrame, sseId?: number): Frame {
    return new Frame(JSON.stringify(value), undefined, false, sseId);
  }

  static heartbeat(): Frame {
    return new Frame(': heartbeat\n\n', undefined, true);
  }

  /** What the frame weighs in a connection's queue (the transport's form of it). */
  size(kind: 'ws' | 'sse'): number {
    return kind === 'sse' ? this.sse.length : this.text.length;
  }

  /** The text/event-stream form: `id:` is the event id, so the browser's Last-Event-ID resumes from it. */
  get sse(): string {
    if (this.sseOnly) return this.text;
    const id = this.id ?? this.sseId;
    this.sseText ??= `${id === undefined ? '' : `id: ${id}\n`}data: ${this.text}\n\n`;
    return this.sseText;
  }
}

export const RESYNC: ControlFrame = { type: 'resync_required' };

/** The socket side of a connection. */
export interface Transport {
  readonly kind: 'ws' | 'sse';
  /** Hands a frame to the socket; `flushed` is called once it has left the process (or the socket is gone). */
  write(frame: Frame, flushed: () => void): void;
  /** Sends the resync instruction (after whatever is already in the socket) and closes. */
  resync(frame: Frame): void;
}

export interface ConnectionLimits {
  /** Frames waiting for the socket, at most. */
  queue: number;
  /** Bytes of frames waiting for the socket (queued or held during a replay), at most. */
  queueBytes: number;
  /** Bytes handed to the socket and not yet flushed, at most (then the queue fills instead). */
  inFlightBytes: number;
}

export class Connection {
  readonly id = randomUUID();
  /** The highest event id handed to this client (or that it said it has): later duplicates are dropped. */
  lastEventId = 0;
  closed = false;
  private queue: Frame[] = [];
  /** Bytes in `queue` and `held` (frames are shared between connections; this is what this one keeps alive). */
  private queuedBytes = 0;
  private inFlight = 0;
  /** While a resume replays the log, live frames wait here. */
  private held: Frame[] | null = null;
  private drainWaiters: (() => void)[] = [];

  constructor(
    readonly userId: string,
    private readonly transport: Transport,
    private readonly limits: ConnectionLimits,
    /** Called once when the connection gives up on this client (queue full). */
    private readonly onOverflow: (conn: Connection) => void,
    /** Where this client reached Parley: the base of the file links in its frames (realtime/frames.ts). */
    readonly baseUrl = '',
  ) {}

  get kind(): Transport['kind'] {
    return this.transport.kind;
  }

  /** A live frame from the hub (an event or a presence notice). */
  push(frame: Frame): void {
    if (this.closed || (frame.sseOnly && this.kind !== 'sse')) return;
    if (this.held) {
      this.held.push(frame);
      this.queuedBytes += frame.size(this.kind);
      if (this.held.length > this.limits.queue || this.queuedBytes > this.limits.queueBytes) this.overflow();
      return;
    }
    this.enqueue(frame);
  }

  /** Starts a resume from `cursor`: live frames are held back until endReplay. */
  beginReplay(cursor: number): void {
    this.lastEventId = cursor;
    this.held = [];
  }

  /** A frame read from the log for this client during a resume. */
  replay(frame: Frame): void {
    if (!this.closed) this.enqueue(frame);
  }

  /** Frames waiting for the socket (metrics). */
  get queued(): number {
    return this.queue.length;
  }

  /** True once the queue holds half its byte budget: a replay waits for drained() before reading on. */
  get backlogged(): boolean {
    return this.queuedBytes * 2 >= this.limits.queueBytes || this.queue.length * 2 >= this.limits.queue;
  }

  /** The replay is done: the held live frames follow, minus what the replay already sent. */
  endReplay(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const frame of held) {
      this.queuedBytes -= frame.size(this.kind);
      this.enqueue(frame);
    }
  }

  /** Starts over without a cursor (after a resync instruction): everything held is new to the client. */
  resetCursor(): void {
    this.lastEventId = 0;
  }

  /** Resolves when everything queued has been handed to the socket (or the connection is closed). */
  drained(): Promise<void> {
    if (this.closed || this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** The client went away: forget everything queued. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }

  private enqueue(frame: Frame): void {
    if (frame.id !== undefined) {
      if (frame.id <= this.lastEventId) return;
      this.lastEventId = frame.id;
    }
    this.queue.push(frame);
    this.queuedBytes += frame.size(this.kind);
    if (this.queue.length > this.limits.queue || this.queuedBytes > this.limits.queueBytes) this.overflow();
    else this.flush();
  }

  private flush(): void {
    while (!this.closed && this.queue.length > 0 && this.inFlight < this.limits.inFlightBytes) {
      const frame = this.queue.shift()!;
      const size = frame.size(this.kind);
      this.queuedBytes -= size;
      this.inFlight += size;
      this.transport.write(frame, () => {
        this.inFlight -= size;
        this.flush();
      });
    }
    if (this.queue.length === 0) this.wakeDrainWaiters();
  }

  private overflow(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
    // Over SSE the frame also moves the browser's Last-Event-ID past what was dropped, so a reconnect does not loop.
    this.transport.resync(Frame.control(RESYNC, this.lastEventId || undefined));
    this.onOverflow(this);
  }

  private release(): void {
    this.queue = [];
    this.held = null;
    this.queuedBytes = 0;
    this.wakeDrainWaiters();
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
