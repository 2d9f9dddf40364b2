/**
 * @module targets: one client-side interface over the three servers, so every scenario drives each of them the
 * same way: create dialogs (setup), connect a user (resolves at the server's `connected`), send (resolves at the
 * server's acknowledgement), list dialogs, and receive `message.new` frames with the resume cursor they carry.
 */
import http from 'node:http';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { Kind, ServerProc } from './servers.js';
import { ErrorTally } from './result.js';
import { pool } from './stats.js';

/** A `message.new` as the driver sees it; `key` and `sentAt` come from the content the driver wrote. */
export interface Received {
  user: string;
  sender: string;
  key: number;
  sentAt: number;
  at: number;
}
export type OnMessage = (m: Received) => void;

/** Every frame the driver's clients received, of any type (presence notices included). */
export const traffic = { frames: 0 };

export interface Conn {
  readonly user: string;
  /** The last event id (Parley) or message id (baselines) this client saw: what it resumes from. */
  cursor: number;
  /** resync instructions received (Parley: the cursor could not be resumed) */
  resyncs: number;
  /** Set when the server closed the connection without being asked. */
  lost: boolean;
  close(): void;
}

export interface Target {
  readonly kind: Kind;
  readonly label: string;
  readonly server: ServerProc;
  /** Setup for these users (Parley mints their tokens). */
  prepare(users: readonly string[]): Promise<void>;
  createDialog(title: string, members: readonly string[]): Promise<string>;
  connect(user: string, onMessage: OnMessage, cursor?: number, timeoutMs?: number): Promise<Conn>;
  send(user: string, dialogId: string, content: string): Promise<void>;
  /** Fetches the first page of the user's dialog list; resolves with its length. */
  listDialogs(user: string): Promise<number>;
  /** Message search, where the target has it (Parley only); resolves with the number of hits on the first page. */
  search?(user: string, q: string, order: 'newest' | 'relevance'): Promise<number>;
  dispose(): Promise<void>;
}

/** The content the driver sends: a key, the intended send time (performance.now() of the driver), padding. */
export function content(key: number, sentAt: number): string {
  return `b ${key} ${sentAt.toFixed(3)} Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.`;
}

const CONTENT = /^b (\d+) ([\d.]+) /;

function received(user: string, sender: string, text: string): Received | null {
  const m = CONTENT.exec(text);
  if (!m) return null;
  return { user, sender, key: Number(m[1]), sentAt: Number(m[2]), at: performance.now() };
}

class Http {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

  request(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          agent: this.agent,
          headers:
            payload === undefined
              ? headers
              : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error('request timeout')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async json(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<any> {
    const res = await this.request(method, url, headers, body);
    if (res.status < 200 || res.status > 299)
      throw new Error(`${method} ${url.replace(/\?.*/, '')}: ${res.status} ${res.text.slice(0, 200)}`);
    return JSON.parse(res.text);
  }

  dispose(): void {
    this.agent.destroy();
  }
}

/** A WebSocket client of Parley or of the raw baseline (same frames: `connected`, then flat JSON events). */
function wsConnect(
  url: string,
  user: string,
  onMessage: OnMessage,
  cursorField: 'event_id' | 'id',
  cursor: number | undefined,
  timeoutMs: number,
): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    let connected = false;
    let closing = false;
    const conn: Conn = {
      user,
      cursor: cursor ?? 0,
      resyncs: 0,
      lost: false,
      close() {
        closing = true;
        ws.close();
        setTimeout(() => ws.terminate(), 2000).unref();
      },
    };
    const fail = (err: Error) => {
      if (connected) return;
      connected = true;
      clearTimeout(timer);
      ws.terminate();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error('connect timeout')), timeoutMs);
    ws.on('message', (data) => {
      traffic.frames++;
      const text = data.toString();
      const msg = JSON.parse(text) as Record<string, unknown>;
      if (msg.type === 'message.new') {
        const id = Number(msg[cursorField]);
        if (id > conn.cursor) conn.cursor = id;
        const r = received(user, String(msg.sender_id), String(msg.content));
        if (r) onMessage(r);
      } else if (msg.type === 'connected' && !connected) {
        connected = true;
        clearTimeout(timer);
        resolve(conn);
      } else if (msg.type === 'resync_required') {
        conn.resyncs++;
      }
    });
    ws.on('error', (err) => fail(err));
    ws.on('close', () => {
      if (!connected) fail(new Error('closed before connected'));
      else if (!closing) conn.lost = true;
    });
  });
}

export class ParleyTarget implements Target {
  private readonly http = new Http();
  private readonly tokens = new Map<string, string>();
  private readonly admin: Record<string, string>;
  readonly label: string;

  constructor(
    readonly kind: 'parley-pg' | 'parley-pglite',
    readonly server: ServerProc,
    adminToken: string,
  ) {
    this.admin = { authorization: `Bearer ${adminToken}` };
    this.label = kind === 'parley-pg' ? 'Parley (PostgreSQL)' : 'Parley (PGlite)';
  }

  async prepare(users: readonly string[]): Promise<void> {
    const missing = users.filter((u) => !this.tokens.has(u));
    const failed = await pool(missing, 32, async (user) => {
      const body = await this.http.json('POST', `${this.server.url}/api/v1/management/tokens`, this.admin, {
        user_id: user,
        ttl_seconds: 24 * 3600,
      });
      this.tokens.set(user, body.data.token);
    });
    if (failed > 0) throw new Error(`${failed} tokens could not be minted`);
  }

  private auth(user: string): Record<string, string> {
    const token = this.tokens.get(user);
    if (!token) throw new Error(`no token for ${user}`);
    return { authorization: `Bearer ${token}` };
  }

  async createDialog(title: string, members: readonly string[]): Promise<string> {
    const body = await this.http.json('POST', `${this.server.url}/api/v1/management/dialogs`, this.admin, {
      object_id: title,
      object_type: 'bench',
      title,
      participants: members.map((u) => ({ user_id: u, display_name: u })),
      access_scopes: [],
    });
    return body.data.id;
  }

  connect(user: string, onMessage: OnMessage, cursor?: number, timeoutMs = 30_000): Promise<Conn> {
    const token = this.tokens.get(user);
    if (!token) return Promise.reject(new Error(`no token for ${user}`));
    const url = `${this.server.url.replace('http', 'ws')}/api/v1/ws?token=${token}${cursor === undefined ? '' : `&last_event_id=${cursor}`}`;
    return wsConnect(url, user, onMessage, 'event_id', cursor, timeoutMs);
  }

  async send(user: string, dialogId: string, text: string): Promise<void> {
    await this.http.json('POST', `${this.server.url}/api/v1/dialogs/${dialogId}/messages`, this.auth(user), { content: text });
  }

  async listDialogs(user: string): Promise<number> {
    const body = await this.http.json('GET', `${this.server.url}/api/v1/dialogs`, this.auth(user));
    return body.data.length;
  }

  async search(user: string, q: string, order: 'newest' | 'relevance'): Promise<number> {
    const query = new URLSearchParams({ q, order, limit: '20' });
    const body = await this.http.json('GET', `${this.server.url}/api/v1/messages/search?${query}`, this.auth(user));
    return body.data.hits.length;
  }

  /** The user's token (for scenarios that open their own connections). */
  tokenOf(user: string): string {
    const token = this.tokens.get(user);
    if (!token) throw new Error(`no token for ${user}`);
    return token;
  }

  /** Registers an agent (agents scenario); an existing one is kept. */
  async registerAgent(body: Record<string, unknown>): Promise<void> {
    const res = await this.http.request('POST', `${this.server.url}/api/v1/management/agents`, this.admin, body);
    if (res.status !== 201 && res.status !== 409) throw new Error(`agent registration: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  }

  /** A dialog with these people and agents (agent ids without `agent:`). */
  async createAgentDialog(title: string, members: readonly string[], agents: readonly string[]): Promise<string> {
    const body = await this.http.json('POST', `${this.server.url}/api/v1/management/dialogs`, this.admin, {
      object_id: title,
      object_type: 'bench',
      title,
      participants: [...members.map((u) => ({ user_id: u, display_name: u })), ...agents.map((a) => ({ user_id: `agent:${a}` }))],
      access_scopes: [],
    });
    return body.data.id;
  }

  /** Sends and returns the stored message's id. */
  async sendForId(user: string, dialogId: string, text: string): Promise<string> {
    const body = await this.http.json('POST', `${this.server.url}/api/v1/dialogs/${dialogId}/messages`, this.auth(user), { content: text });
    return body.data.id;
  }

  async dispose(): Promise<void> {
    this.http.dispose();
  }
}

export class RawTarget implements Target {
  readonly kind = 'raw' as const;
  readonly label = 'raw';
  private readonly http = new Http();

  constructor(readonly server: ServerProc) {}

  async prepare(): Promise<void> {}

  async createDialog(title: string, members: readonly string[]): Promise<string> {
    return String((await this.http.json('POST', `${this.server.url}/dialogs`, {}, { title, members })).id);
  }

  connect(user: string, onMessage: OnMessage, cursor?: number, timeoutMs = 30_000): Promise<Conn> {
    const url = `${this.server.url.replace('http', 'ws')}/ws?user_id=${encodeURIComponent(user)}${cursor === undefined ? '' : `&last_id=${cursor}`}`;
    return wsConnect(url, user, onMessage, 'id', cursor, timeoutMs);
  }

  async send(user: string, dialogId: string, text: string): Promise<void> {
    await this.http.json('POST', `${this.server.url}/messages`, {}, { dialog_id: dialogId, sender_id: user, content: text });
  }

  async listDialogs(user: string): Promise<number> {
    return (await this.http.json('GET', `${this.server.url}/dialogs?user_id=${encodeURIComponent(user)}`, {})).data.length;
  }

  async dispose(): Promise<void> {
    this.http.dispose();
  }
}

export class PeerTarget implements Target {
  readonly kind = 'peer' as const;
  readonly label = 'socket.io';
  private readonly http = new Http();
  /** Each user's socket: the one its connect() opened, or one opened just to send or list. */
  private readonly sockets = new Map<string, Socket>();
  private readonly extra = new Map<string, Promise<Socket>>();

  constructor(readonly server: ServerProc) {}

  async prepare(): Promise<void> {}

  async createDialog(title: string, members: readonly string[]): Promise<string> {
    return String((await this.http.json('POST', `${this.server.url}/dialogs`, {}, { title, members })).id);
  }

  private open(
    user: string,
    onMessage: OnMessage | null,
    cursor: number | undefined,
    timeoutMs: number,
  ): Promise<{ socket: Socket; conn: Conn }> {
    return new Promise((resolve, reject) => {
      const socket = io(this.server.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: timeoutMs,
        auth: cursor === undefined ? { user_id: user } : { user_id: user, offset: cursor },
      });
      let connected = false;
      let closing = false;
      const conn: Conn = {
        user,
        cursor: cursor ?? 0,
        resyncs: 0,
        lost: false,
        close: () => {
          closing = true;
          if (this.sockets.get(user) === socket) this.sockets.delete(user);
          socket.disconnect();
        },
      };
      const timer = setTimeout(() => fail(new Error('connect timeout')), timeoutMs);
      const fail = (err: Error) => {
        if (connected) return;
        connected = true;
        clearTimeout(timer);
        socket.disconnect();
        reject(err);
      };
      socket.onAny(() => traffic.frames++);
      socket.on('connected', () => {
        if (connected) return;
        connected = true;
        clearTimeout(timer);
        resolve({ socket, conn });
      });
      socket.on('message', (m: { id: string; sender_id: string; content: string }) => {
        const id = Number(m.id);
        if (id > conn.cursor) conn.cursor = id;
        const r = onMessage && received(user, m.sender_id, m.content);
        if (r) onMessage!(r);
      });
      socket.on('connect_error', (err) => fail(err));
      socket.on('disconnect', () => {
        if (!connected) fail(new Error('disconnected before connected'));
        else if (!closing) conn.lost = true;
      });
    });
  }

  async connect(user: string, onMessage: OnMessage, cursor?: number, timeoutMs = 30_000): Promise<Conn> {
    const { socket, conn } = await this.open(user, onMessage, cursor, timeoutMs);
    this.sockets.set(user, socket);
    return conn;
  }

  private socketOf(user: string): Promise<Socket> {
    const live = this.sockets.get(user);
    if (live?.connected) return Promise.resolve(live);
    let s = this.extra.get(user);
    if (!s) {
      s = this.open(user, null, undefined, 30_000).then((o) => o.socket);
      this.extra.set(user, s);
      s.catch(() => this.extra.delete(user));
    }
    return s;
  }

  async send(user: string, dialogId: string, text: string): Promise<void> {
    const socket = await this.socketOf(user);
    const ack = await socket.timeout(60_000).emitWithAck('message', { dialog_id: dialogId, content: text });
    if (ack?.error) throw new Error(ack.error);
  }

  async listDialogs(user: string): Promise<number> {
    const socket = await this.socketOf(user);
    const ack = await socket.timeout(60_000).emitWithAck('dialogs');
    if (ack?.error) throw new Error(ack.error);
    return ack.data.length;
  }

  async dispose(): Promise<void> {
    for (const s of this.extra.values())
      void s.then(
        (socket) => socket.disconnect(),
        () => undefined,
      );
    this.extra.clear();
    for (const s of this.sockets.values()) s.disconnect();
    this.sockets.clear();
    this.http.dispose();
  }
}

export interface Connected {
  conns: Map<string, Conn>;
  failures: number;
  /** Users not even tried: the deadline had passed. */
  late: number;
  /** Connect times (ms) of the ones that connected. */
  times: number[];
  secs: number;
  errors: ErrorTally;
}

/** Connects `users`, `concurrency` at a time, starting no new connection after `deadlineSecs`. */
export async function connectAll(
  t: Target,
  users: readonly string[],
  onMessage: OnMessage,
  concurrency: number,
  deadlineSecs: number,
): Promise<Connected> {
  const out: Connected = { conns: new Map(), failures: 0, late: 0, times: [], secs: 0, errors: new ErrorTally() };
  const start = performance.now();
  const deadline = start + deadlineSecs * 1000;
  out.failures = await pool(
    users,
    concurrency,
    async (u) => {
      if (performance.now() > deadline) return void out.late++;
      const t1 = performance.now();
      out.conns.set(u, await t.connect(u, onMessage));
      out.times.push(performance.now() - t1);
    },
    out.errors.add,
  );
  out.secs = (performance.now() - start) / 1000;
  return out;
}
