/**
 * @module connection/manager: keeps one realtime connection alive: disconnected -> connecting -> connected, over
 * WebSocket or SSE, with full-jitter backoff that never gives up, heartbeats that catch dead sockets, a resume
 * cursor (`last_event_id`) so nothing is missed or repeated, and a generation counter so callbacks from a socket
 * that was replaced are ignored. It knows frames, not chat state: events go to the sink.
 */
import { CLOSE_CODES } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { NetworkSignal } from './network.js';
import type { OpenParams, Transport, TransportClose, TransportFactory, TransportName } from './transport.js';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface ConnectionStateEvent {
  state: ConnectionState;
  /** Why the state changed (a close reason, 'heartbeat timeout', 'network back', 'closed by the app'...). */
  reason?: string;
  transport?: TransportName;
  /** Failed attempts since the last successful connection. */
  attempt: number;
  /** When disconnected: how long until the next try. */
  retryInMs?: number;
}

export interface HeartbeatOptions {
  /** WebSocket: send a ping after this much silence (ms). */
  intervalMs?: number;
  /** WebSocket: declare the socket dead when a ping gets no frame back within this time (ms). */
  timeoutMs?: number;
  /** SSE: declare the stream dead after this much silence; the server sends heartbeat comments (ms). */
  idleMs?: number;
}

/** What a probe of the REST API says after a WebSocket failed before opening (browsers hide the HTTP status). */
export type ProbeResult = 'ok' | 'refreshed' | 'unreachable' | 'rejected';

export interface ConnectionSink {
  onConnected(info: { userId: string; resumed: boolean; transport: TransportName }): void;
  onEvent(frame: { type: string; [key: string]: unknown }): void;
  onResync(): void;
  onState(event: ConnectionStateEvent): void;
  onError(err: ParleyError): void;
}

export interface ManagerOptions {
  baseUrl: string;
  transports: TransportFactory[];
  backoff?: BackoffOptions;
  heartbeat?: HeartbeatOptions;
  /** A connection must say `connected` within this time (ms). */
  connectTimeoutMs?: number;
  /** A connection that lived this long resets the backoff when it drops (ms); shorter ones keep backing off. */
  stableAfterMs?: number;
  credentials(): Promise<{ token: string | undefined; headers: Record<string, string> }>;
  /** After the server refused the credentials (SSE 401): true when fresh ones are ready. */
  recoverAuth(token: string | undefined): Promise<boolean>;
  probe(): Promise<ProbeResult>;
  /**
   * For the server's `auth.expiring` on a WebSocket: a token to renew the connection in-band with, when one newer
   * than `current` is due; otherwise when to ask again (ms).
   */
  renew(current: string | undefined): Promise<{ token?: string; retryInMs?: number }>;
  network?: NetworkSignal;
}

/** Rejects with a TIMEOUT ParleyError when `promise` takes longer than `ms` (a hung host callback must not stall reconnects). */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ParleyError('TIMEOUT', message)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** The server closes a connection whose token ran out with this code: refresh, then reconnect at once. */
export const AUTH_EXPIRED_CLOSE_CODE = CLOSE_CODES.authExpired;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class ConnectionManager {
  private state: ConnectionState = 'disconnected';
  private started = false;
  private generation = 0;
  private transport: Transport | undefined;
  private factoryIndex = 0;
  private readonly everOpened = new Set<TransportName>();
  private readonly backoff: Backoff;
  private attempt = 0;
  private connectedAt = 0;
  private authRetried = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private beatTimer: ReturnType<typeof setTimeout> | undefined;
  private deadTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  /** The token the current connection authenticated with (or renewed to). */
  private connToken: string | undefined;
  /** The generation whose server said `auth.expired`: its close is a refresh-and-reconnect-now. */
  private expiredGen = -1;
  private offNetwork: (() => void) | undefined;
  private readonly hb: Required<HeartbeatOptions>;
  /** The id of the last event delivered: the resume cursor. */
  lastEventId: number | undefined;

  constructor(
    private readonly opts: ManagerOptions,
    private readonly sink: ConnectionSink,
  ) {
    this.backoff = new Backoff(opts.backoff);
    this.hb = { intervalMs: 25_000, timeoutMs: 10_000, idleMs: 60_000, ...opts.heartbeat };
  }

  private get connectTimeoutMs(): number {
    return this.opts.connectTimeoutMs ?? 15_000;
  }

  get current(): ConnectionState {
    return this.state;
  }

  get transportName(): TransportName | undefined {
    return this.transport?.name;
  }

  connect(): void {
    if (this.started) return;
    this.started = true;
    this.offNetwork = this.opts.network?.onResume(() => this.reconnectNow('network back'));
    void this.attemptNow();
  }

  /** Skips the backoff wait: used when the network comes back. A live connection is checked with a ping. */
  reconnectNow(reason = 'reconnect requested'): void {
    if (!this.started) return;
    if (this.state === 'disconnected') {
      this.clearRetry();
      void this.attemptNow(reason);
    } else if (this.state === 'connected' && this.transport?.name === 'websocket') {
      this.transport.send({ type: 'ping' });
      this.armDeadline(this.generation);
    }
  }

  close(): void {
    this.started = false;
    this.generation += 1;
    this.clearTimers();
    this.clearRetry();
    this.offNetwork?.();
    this.transport?.close();
    this.transport = undefined;
    this.setState({ state: 'closed', reason: 'closed by the app', attempt: this.attempt });
  }

  private async attemptNow(reason?: string): Promise<void> {
    const gen = ++this.generation;
    this.setState({ state: 'connecting', attempt: this.attempt, ...(reason ? { reason } : {}) });
    let creds: { token: string | undefined; headers: Record<string, string> };
    try {
      creds = await withTimeout(this.opts.credentials(), this.connectTimeoutMs, 'getting credentials timed out');
    } catch (err) {
      if (gen !== this.generation) return;
      this.sink.onError(err instanceof ParleyError ? err : new ParleyError('AUTH_REFRESH_FAILED', String(err)));
      return this.scheduleRetry(gen, 'no credentials');
    }
    if (gen !== this.generation) return;
    this.connToken = creds.token;
    const params: OpenParams = { baseUrl: this.opts.baseUrl, token: creds.token, headers: creds.headers, lastEventId: this.lastEventId };
    const factory = this.pickTransport(params);
    if (!factory) {
      this.sink.onError(
        new ParleyError('NETWORK_ERROR', 'No realtime transport is available (no WebSocket and no fetch)', { retryable: false }),
      );
      return this.scheduleRetry(gen, 'no transport');
    }
    let opened = false;
    this.transport = factory.open(params, {
      onOpen: () => {
        if (gen !== this.generation) return;
        opened = true;
        this.everOpened.add(factory.name);
        this.armHeartbeat(gen, factory);
      },
      onFrame: (frame) => {
        if (gen !== this.generation) return;
        this.armHeartbeat(gen, factory);
        this.handleFrame(gen, frame, factory.name);
      },
      onActivity: () => {
        if (gen === this.generation) this.armHeartbeat(gen, factory);
      },
      onClose: (info) => {
        if (gen !== this.generation) return;
        void this.handleClose(gen, info, factory, this.connToken);
      },
    });
    this.connectTimer = setTimeout(() => {
      if (gen === this.generation && this.state === 'connecting') this.drop(gen, { opened, reason: 'connect timeout' });
    }, this.connectTimeoutMs);
  }

  /** The first supported transport from the preferred one on. */
  private pickTransport(params: OpenParams): TransportFactory | undefined {
    const list = this.opts.transports;
    for (let i = 0; i < list.length; i += 1) {
      const index = (this.factoryIndex + i) % list.length;
      const factory = list[index]!;
      if (factory.supported(params)) {
        this.factoryIndex = index;
        return factory;
      }
    }
    return undefined;
  }

  private handleFrame(gen: number, frame: unknown, transport: TransportName): void {
    if (!isRecord(frame) || typeof frame.type !== 'string') return;
    switch (frame.type) {
      case 'connected': {
        if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
        const resumed = this.lastEventId !== undefined;
        // A server that says where its log stands lets even a first connection resume later without a gap.
        if (!resumed && typeof frame.last_event_id === 'number') this.lastEventId = frame.last_event_id;
        this.attempt = 0;
        this.authRetried = false;
        this.connectedAt = Date.now();
        this.setState({ state: 'connected', transport, attempt: 0 });
        this.sink.onConnected({ userId: String(frame.employee_id ?? ''), resumed, transport });
        return;
      }
      case 'pong':
      case 'auth.ok':
        return;
      case 'auth.expiring':
        if (transport === 'websocket' && this.renewTimer === undefined) void this.renew(gen);
        return;
      case 'auth.failed':
        this.sink.onError(
          new ParleyError('UNAUTHORIZED', `In-band token renewal refused: ${String(frame.message ?? frame.code ?? '')}`, {
            retryable: true,
          }),
        );
        return;
      case 'auth.expired':
        this.expiredGen = gen;
        return;
      case 'resync_required':
        // The server cannot replay what we missed; it goes on from now, and we refetch.
        this.lastEventId = undefined;
        this.sink.onResync();
        return;
    }
    const id = frame.event_id;
    if (typeof id === 'number') {
      if (this.lastEventId !== undefined && id <= this.lastEventId) return;
      this.lastEventId = id;
    }
    if (gen === this.generation) this.sink.onEvent(frame as { type: string });
  }

  private async handleClose(gen: number, info: TransportClose, factory: TransportFactory, token: string | undefined): Promise<void> {
    this.clearTimers();
    this.transport = undefined;
    const wasConnected = this.state === 'connected';
    if (wasConnected && Date.now() - this.connectedAt >= (this.opts.stableAfterMs ?? 5_000)) this.backoff.reset();
    this.setState({ state: 'disconnected', reason: info.reason, transport: factory.name, attempt: this.attempt });
    if (info.code === AUTH_EXPIRED_CLOSE_CODE || this.expiredGen === gen) {
      // The token ran out on a live connection: a fresh one, then straight back (the cursor resumes).
      const refreshed = await withTimeout(this.opts.recoverAuth(token), this.connectTimeoutMs, 'refresh timed out').catch(() => false);
      if (gen !== this.generation) return;
      if (refreshed) return void this.attemptNow('token expired');
    }
    if (!info.opened) {
      const next = await this.diagnose(info, factory, token);
      if (gen !== this.generation) return;
      if (next === 'now') {
        this.attempt += 1;
        return void this.attemptNow('credentials refreshed');
      }
    }
    this.scheduleRetry(gen, info.reason);
  }

  /**
   * A connection that never opened: was it the credentials (refresh once, then retry at once), the transport
   * (a WebSocket blocked on the way: try the next transport), or the network (back off)?
   */
  private async diagnose(info: TransportClose, factory: TransportFactory, token: string | undefined): Promise<'now' | 'later'> {
    let verdict: ProbeResult;
    if (info.status === 401) {
      const recovered = await withTimeout(this.opts.recoverAuth(token), this.connectTimeoutMs, 'refresh timed out').catch(() => false);
      verdict = recovered ? 'refreshed' : 'rejected';
    } else if (info.status !== undefined) {
      verdict = info.status >= 500 || info.status === 429 ? 'unreachable' : 'ok';
    } else {
      verdict = await this.opts.probe().catch((): ProbeResult => 'unreachable');
    }
    if (verdict === 'refreshed' && !this.authRetried) {
      this.authRetried = true;
      return 'now';
    }
    if (verdict === 'ok' && !this.everOpened.has(factory.name) && this.opts.transports.length > 1) {
      this.factoryIndex = (this.factoryIndex + 1) % this.opts.transports.length;
      return this.everOpened.size === 0 ? 'now' : 'later';
    }
    return 'later';
  }

  /** Renews the connection's token in-band (`{"type":"auth","token"}`), when the token source has a newer one. */
  private async renew(gen: number): Promise<void> {
    this.renewTimer = undefined;
    const next = await this.opts.renew(this.connToken).catch((): { token?: string; retryInMs?: number } => ({ retryInMs: 5_000 }));
    if (gen !== this.generation) return;
    if (next.token && next.token !== this.connToken && this.transport?.send({ type: 'auth', token: next.token })) {
      this.connToken = next.token;
    } else if (next.retryInMs !== undefined) {
      this.renewTimer = setTimeout(() => void this.renew(gen), Math.max(100, next.retryInMs));
    }
  }

  private scheduleRetry(gen: number, reason: string): void {
    if (gen !== this.generation || !this.started) return;
    const delay = this.backoff.next();
    this.attempt += 1;
    this.setState({ state: 'disconnected', reason, attempt: this.attempt, retryInMs: delay });
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (gen === this.generation && this.started) void this.attemptNow();
    }, delay);
  }

  /** Ends the current connection as failed (heartbeat, timeout, restart) and goes through the normal close path. */
  private drop(gen: number, info: TransportClose): void {
    if (gen !== this.generation) return;
    const factory = this.opts.transports[this.factoryIndex]!;
    this.transport?.close();
    this.generation += 1;
    void this.handleClose(this.generation, info, factory, undefined);
  }

  private armHeartbeat(gen: number, factory: TransportFactory): void {
    this.clearTimers(true);
    if (factory.sendsPings) {
      this.beatTimer = setTimeout(() => {
        if (gen !== this.generation) return;
        this.transport?.send({ type: 'ping' });
        this.armDeadline(gen);
      }, this.hb.intervalMs);
    } else {
      this.deadTimer = setTimeout(() => this.drop(gen, { opened: true, reason: 'heartbeat timeout' }), this.hb.idleMs);
    }
  }

  private armDeadline(gen: number): void {
    if (this.deadTimer !== undefined) clearTimeout(this.deadTimer);
    this.deadTimer = setTimeout(() => this.drop(gen, { opened: true, reason: 'heartbeat timeout' }), this.hb.timeoutMs);
  }

  private clearTimers(keepConnectTimer = false): void {
    if (this.beatTimer !== undefined) clearTimeout(this.beatTimer);
    if (this.deadTimer !== undefined) clearTimeout(this.deadTimer);
    if (!keepConnectTimer && this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    if (!keepConnectTimer && this.renewTimer !== undefined) clearTimeout(this.renewTimer);
    if (!keepConnectTimer) this.renewTimer = undefined;
    this.beatTimer = this.deadTimer = undefined;
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private setState(event: ConnectionStateEvent): void {
    const changed = event.state !== this.state;
    this.state = event.state;
    if (changed || event.retryInMs !== undefined) this.sink.onState(event);
  }
}
