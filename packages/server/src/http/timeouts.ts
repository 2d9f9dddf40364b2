/**
 * @module http/timeouts: how long a client may take to send a request. Headers must arrive within
 * HTTP_HEADERS_TIMEOUT_SECS, the whole request (body included) within HTTP_REQUEST_TIMEOUT_SECS, and a body may
 * not stall for more than HTTP_BODY_IDLE_TIMEOUT_SECS; Node answers the first two with 408, the third closes the
 * connection. Responses are not limited (SSE and WebSocket streams live on; heartbeats keep them busy).
 */
import type { ServerOptions } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

/** Fastify's server options for the timeouts (Node checks them every second rather than every 30 s). */
export function serverTimeouts(config: Config): { requestTimeout: number; keepAliveTimeout: number; http: ServerOptions } {
  const t = config.httpTimeouts;
  return {
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    http: { headersTimeout: t.headersMs, requestTimeout: t.requestMs, keepAliveTimeout: t.keepAliveMs, connectionsCheckingInterval: 1000 },
  };
}

const hasBody = (req: FastifyRequest) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** Arms a socket inactivity timeout while a request with a body is in progress; the socket is dropped if it fires. */
export function registerBodyIdleTimeout(app: FastifyInstance, config: Config): void {
  const idleMs = config.httpTimeouts.bodyIdleMs;
  app.addHook('onRequest', async (req) => {
    if (hasBody(req)) req.raw.socket?.setTimeout(idleMs);
  });
  app.addHook('onResponse', async (req) => {
    if (hasBody(req)) req.raw.socket?.setTimeout(0);
  });
}
