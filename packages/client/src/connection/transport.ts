/** @module connection/transport: what a realtime transport is (WebSocket, SSE), so the manager can try them in turn. */

export type TransportName = 'websocket' | 'sse';

/** Why a transport stopped: `opened` says whether it ever delivered a frame; `status` is an HTTP status when known. */
export interface TransportClose {
  opened: boolean;
  reason: string;
  code?: number;
  status?: number;
}

export interface TransportHandlers {
  /** The connection is up (WebSocket open, SSE response 200). */
  onOpen(): void;
  /** One frame, already parsed from JSON. */
  onFrame(frame: unknown): void;
  /** Proof of life without a frame (an SSE heartbeat comment). */
  onActivity(): void;
  /** The connection is gone; called at most once. */
  onClose(info: TransportClose): void;
}

export interface OpenParams {
  /** The server's base URL (http or https). */
  baseUrl: string;
  token: string | undefined;
  /** Extra headers (custom-mode auth, scope, locale) where the transport can send headers. */
  headers: Record<string, string>;
  lastEventId: number | undefined;
}

export interface Transport {
  readonly name: TransportName;
  /** Sends a frame; false when the transport cannot (SSE) or is not open. */
  send(frame: object): boolean;
  /** Closes without calling onClose. */
  close(): void;
}

export interface TransportFactory {
  readonly name: TransportName;
  /** True when this runtime can use the transport (and, for WebSocket, a token to put in the URL exists). */
  supported(params: OpenParams): boolean;
  /** Whether the client should send heartbeat pings itself (WebSocket) or only watch for silence (SSE). */
  readonly sendsPings: boolean;
  open(params: OpenParams, handlers: TransportHandlers): Transport;
}
