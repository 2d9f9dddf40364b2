/** @module options: what createClient takes, and the defaults it fills in. */
import type { AuthOption } from './auth/token-manager.js';
import type { BackoffOptions } from './connection/backoff.js';
import type { HeartbeatOptions } from './connection/manager.js';
import { browserNetwork, type NetworkSignal } from './connection/network.js';
import type { TransportName } from './connection/transport.js';
import type { WebSocketConstructor } from './connection/transports/websocket.js';

export interface ScopeConfig {
  scope_level0?: string[];
  scope_level1?: string[];
  scope_level2?: string[];
}

export interface TransportOptions {
  /** Transports to use, in order of preference; the next is tried when one cannot open. Default websocket, then sse. */
  transports?: TransportName[];
  /** Reconnect backoff (full jitter). Default: 500 ms first ceiling, 10 s cap; retries never stop. */
  backoff?: BackoffOptions;
  heartbeat?: HeartbeatOptions;
  /** A connection must be confirmed within this time (ms). Default 15 s. */
  connectTimeoutMs?: number;
  /** A connection up this long resets the backoff when it drops (ms). Default 5 s. */
  stableAfterMs?: number;
}

export interface ClientOptions {
  /** Where Parley runs, e.g. https://chat.example.com (the API is under /api/v1). */
  baseUrl: string;
  /** Hosted mode `{ getClientSecret(current) }`, or custom mode `{ headers(request) }`. */
  auth: AuthOption;
  /** Sent as X-Scope-Config (ignored by the server when the token carries its own scope). */
  scope?: ScopeConfig;
  /** Sent as Accept-Language. */
  locale?: string;
  /** Sent as X-Parley-Domain-Key: identifies the embedding site (defence in depth, not authentication). */
  domainKey?: string;
  /** A REST call that has not finished after this long fails with TIMEOUT (retryable). Default 30 s. */
  requestTimeoutMs?: number;
  /** A fetch to use instead of the global one (wrapping, testing, a runtime without fetch). */
  fetch?: typeof fetch;
  /** A WebSocket constructor to use instead of the global one; in Node 20, the `ws` package's WebSocket. */
  WebSocket?: WebSocketConstructor;
  transport?: TransportOptions;
  /** Tells the client when the network may be back, to retry at once. Default: the browser's online/visibility events. */
  network?: NetworkSignal;
  /** Backoff of the send queue while sends fail for a transient reason. Default 250 ms first ceiling, 10 s cap. */
  queue?: { backoff?: BackoffOptions };
}

export interface ResolvedOptions extends ClientOptions {
  fetch: typeof fetch;
  network: NetworkSignal;
  headers: Record<string, string>;
}

export function resolveOptions(opts: ClientOptions, encodeScope: (scope: ScopeConfig) => string): ResolvedOptions {
  if (!opts || typeof opts.baseUrl !== 'string' || !/^https?:\/\//.test(opts.baseUrl)) {
    throw new TypeError('createClient: baseUrl must be an http(s) URL');
  }
  if (!opts.auth) throw new TypeError('createClient: auth is required');
  const globalFetch = (globalThis as { fetch?: typeof fetch }).fetch;
  const fetchImpl = opts.fetch ?? (globalFetch ? globalFetch.bind(globalThis) : undefined);
  if (!fetchImpl) throw new TypeError('createClient: no fetch available; pass options.fetch');
  const headers: Record<string, string> = {};
  if (opts.scope) headers['x-scope-config'] = encodeScope(opts.scope);
  if (opts.locale) headers['accept-language'] = opts.locale;
  if (opts.domainKey) headers['x-parley-domain-key'] = opts.domainKey;
  return { ...opts, fetch: fetchImpl, network: opts.network ?? browserNetwork(), headers };
}
