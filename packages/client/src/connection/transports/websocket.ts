/**
 * @module connection/transports/websocket: the realtime WebSocket, `GET /api/v1/ws?token=…&last_event_id=…`.
 * Uses the global WebSocket, or the constructor the client was given (the `ws` package's in Node).
 */
import type { OpenParams, Transport, TransportFactory, TransportHandlers } from '../transport.js';

/** The part of the WebSocket API the client uses (browsers' WebSocket and the `ws` package both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;

export function websocketUrl(params: OpenParams): string {
  const url = new URL(`${params.baseUrl.replace(/\/+$/, '')}/api/v1/ws`);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (params.token) url.searchParams.set('token', params.token);
  if (params.lastEventId !== undefined) url.searchParams.set('last_event_id', String(params.lastEventId));
  return url.toString();
}

function text(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return undefined;
}

export function websocketTransport(ctor: WebSocketConstructor | undefined): TransportFactory {
  const resolve = () => ctor ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  return {
    name: 'websocket',
    sendsPings: true,
    // A browser cannot put headers on a WebSocket: without a bearer token to put in the URL, use SSE.
    supported: (params) => resolve() !== undefined && params.token !== undefined,
    open(params, handlers: TransportHandlers): Transport {
      const Ctor = resolve()!;
      const socket = new Ctor(websocketUrl(params));
      let opened = false;
      let done = false;
      const finish = (info: { reason: string; code?: number }) => {
        if (done) return;
        done = true;
        handlers.onClose({ opened, ...info });
      };
      socket.onopen = () => {
        opened = true;
        handlers.onOpen();
      };
      socket.onmessage = (ev) => {
        const raw = text(ev.data);
        if (raw === undefined) return;
        let frame: unknown;
        try {
          frame = JSON.parse(raw);
        } catch {
          return;
        }
        handlers.onFrame(frame);
      };
      socket.onerror = () => {
        // The close event follows with the code; nothing to add here.
      };
      socket.onclose = (ev) => finish({ reason: ev.reason || 'socket closed', code: ev.code });
      return {
        name: 'websocket',
        send(frame) {
          if (socket.readyState !== OPEN) return false;
          socket.send(JSON.stringify(frame));
          return true;
        },
        close() {
          done = true;
          socket.onopen = socket.onmessage = socket.onclose = null;
          socket.onerror = () => {};
          try {
            socket.close(1000, 'client closed');
          } catch {
            // Closing a socket that never connected can throw in some runtimes.
          }
        },
      };
    },
  };
}
