/** Realtime test clients: a WebSocket client (the `ws` package) and an SSE reader (fetch), over real sockets. */
import http from 'node:http';
import WebSocket from 'ws';
import type { Api } from './api.js';
import { backend } from './server.js';

/** On the postgres backend the servers also use Redis (bus and presence), as CI runs them. */
export const redisEnv = (): Record<string, string> =>
  backend === 'postgres' && process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {};

export type Msg = Record<string, any>;

const WAIT_MS = 15_000;

export function tokenOf(api: Api): string {
  return (api.headers.authorization ?? '').replace(/^Bearer /, '');
}

/** Collects what a stream receives and lets a test wait for a message matching a predicate. */
class Inbox {
  readonly received: Msg[] = [];
  private waiters: { pred: (m: Msg) => boolean; from: number; resolve: (m: Msg) => void }[] = [];
  ended = false;

  add(m: Msg): void {
    this.received.push(m);
    const index = this.received.length - 1;
    this.waiters = this.waiters.filter((w) => {
      if (index >= w.from && w.pred(m)) {
        w.resolve(m);
        return false;
      }
      return true;
    });
  }

  /** The first message (received at or after index `from`) matching `pred`; waits for it if needed. */
  waitFor(pred: (m: Msg) => boolean, what: string, from = 0): Promise<Msg> {
    const found = this.received.slice(from).find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.received.slice(-5))}`)),
        WAIT_MS,
      );
      this.waiters.push({
        pred,
        from,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Waits for a condition on something other than a new message (checked every 20 ms). */
  async waitUntil(cond: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Log events (with event_id) received so far. */
  events(): Msg[] {
    return this.received.filter((m) => typeof m.event_id === 'number');
  }
}

export interface WsOptions {
  token?: string;
  userId?: string;
  lastEventId?: number;
  origin?: string;
  /** Appended to the query string as is (to send exactly the bytes a test needs). */
  rawQuery?: string;
}

export function wsUrl(base: string, o: WsOptions): string {
  const q = new URLSearchParams();
  if (o.token !== undefined) q.set('token', o.token);
  if (o.userId !== undefined) q.set('user_id', o.userId);
  if (o.lastEventId !== undefined) q.set('last_event_id', String(o.lastEventId));
  // URLSearchParams writes a space as `+`, which MTChat's rule (and so the server) keeps as `+`: encode as a URI.
  const query = [...q].map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  if (o.rawQuery !== undefined) query.push(o.rawQuery);
  return `${base.replace(/^http/, 'ws')}/api/v1/ws?${query.join('&')}`;
}

export class WsClient extends Inbox {
  closeCode?: number;
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    super();
    socket.on('message', (data) => this.add(JSON.parse(String(data)) as Msg));
    this.closed = new Promise((resolve) =>
      socket.on('close', (code) => {
        this.closeCode = code;
        this.ended = true;
        resolve(code);
      }),
    );
  }

  /** Opens a socket; resolves once `connected` has arrived. Rejects with the HTTP status when the handshake is refused. */
  static async connect(base: string, o: WsOptions): Promise<WsClient> {
    const socket = new WebSocket(wsUrl(base, o), o.origin ? { origin: o.origin } : {});
    const client = new WsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += String(c)));
        res.on('end', () =>
          reject(Object.assign(new Error(`handshake refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })),
        );
      });
      socket.once('error', reject);
    });
    await client.waitFor((m) => m.type === 'connected', 'connected');
    return client;
  }

  /** The HTTP status of a refused handshake (or 101 when it was accepted). */
  static async refusal(base: string, o: WsOptions): Promise<{ status: number; body: any }> {
    try {
      const c = await WsClient.connect(base, o);
      await c.close();
      return { status: 101, body: undefined };
    } catch (err) {
      const e = err as { status?: number; body?: string };
      if (e.status === undefined) throw err;
      return { status: e.status, body: e.body ? JSON.parse(e.body) : undefined };
    }
  }

  send(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  /** Sends `{"type":"ping"}` and waits for the pong that follows it. */
  async ping(): Promise<void> {
    const from = this.received.length;
    this.send({ type: 'ping' });
    await this.waitFor((m) => m.type === 'pong', 'pong', from);
  }

  /** Stops reading from the TCP socket (the kernel buffers fill, then the server's queue). */
  pause(): void {
    (this.socket as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  resume(): void {
    (this.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  }

  async close(): Promise<number> {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close();
    return this.closed;
  }

  /** Drops the TCP connection without a close frame (a client that vanished). */
  kill(): void {
    this.socket.terminate();
  }
}

/**
 * An SSE stream (node:http rather than fetch: an aborted fetch leaves undici opening a fresh idle connection
 * that keeps the test server from closing). Frames are parsed into {id, data}; comments and retry recorded.
 */
export class SseClient extends Inbox {
  readonly ids: (number | undefined)[] = [];
  readonly comments: string[] = [];
  retry?: number;
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  /** The body of a refused request, parsed. */
  body: any;

  private constructor(private readonly request: http.ClientRequest) {
    super();
  }

  static async connect(base: string, token: string, o: { lastEventId?: number } = {}): Promise<SseClient> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (o.lastEventId !== undefined) headers['last-event-id'] = String(o.lastEventId);
    const request = http.get(`${base}/api/v1/events`, { headers });
    const client = new SseClient(request);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', reject);
    });
    client.status = res.statusCode ?? 0;
    client.headers = res.headers;
    if (client.status !== 200) {
      let text = '';
      for await (const chunk of res) text += String(chunk);
      client.body = JSON.parse(text);
      return client;
    }
    client.read(res);
    await client.waitFor((m) => m.type === 'connected', 'connected');
    return client;
  }

  private read(res: http.IncomingMessage): void {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id: number | undefined;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
          else if (line.startsWith('retry:')) this.retry = Number(line.slice(6).trim());
          else if (line.startsWith('id:')) id = Number(line.slice(3).trim());
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (data.length > 0) {
          this.ids.push(id);
          this.add(JSON.parse(data.join('\n')) as Msg);
        }
      }
    });
    res.on('close', () => (this.ended = true));
  }

  close(): void {
    this.request.destroy();
  }
}
