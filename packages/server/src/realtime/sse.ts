/**
 * @module realtime/sse: the same events as the WebSocket over Server-Sent Events, `GET /api/v1/events`, for
 * networks that block WebSocket. `id:` is the event id, so the browser's automatic reconnect sends
 * Last-Event-ID and resumes; a `retry:` hint and heartbeat comments keep proxies and clients honest.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { Connection, Frame, type ConnectionLimits, type Transport } from './connection.js';
import { AUTH_EXPIRED, TokenLifetime } from './expiry.js';
import { requestBase } from '../http/links.js';
import { handshake, type Handshake } from './handshake.js';
import { isConnectionError } from '../health/connection-errors.js';
import type { RealtimeContext } from './routes.js';
import { openEventStream } from '../http/event-stream.js';

/** How long a browser waits before reconnecting, in milliseconds. */
export const SSE_RETRY_MS = 3000;

function transport(res: ServerResponse): Transport {
  const gone = () => res.destroyed || res.writableEnded;
  return {
    kind: 'sse',
    write(frame, flushed) {
      if (gone()) return flushed();
      res.write(frame.sse, () => flushed());
    },
    resync(frame) {
      if (gone()) return;
      res.end(frame.sse);
    },
  };
}

export function sseRoute(app: FastifyInstance, ctx: RealtimeContext, limits: ConnectionLimits): () => void {
  const accepted = new WeakMap<FastifyRequest, Handshake>();
  const open = new Set<ServerResponse>();
  const heartbeatMs = ctx.svc.config.realtime.heartbeatSecs * 1000;

  app.get('/api/v1/events', {
    schema: { hide: true },
    preValidation: async (req) => {
      accepted.set(req, await handshake(ctx.svc, req));
    },
    handler: async (req, reply) => {
      const hs = accepted.get(req)!;
      const res = openEventStream(reply);
      res.write(`retry: ${SSE_RETRY_MS}\n\n`);
      open.add(res);
      const conn = new Connection(hs.userId, transport(res), limits, (c) => ctx.sessions.overflowed(c), requestBase(req));
      // SSE cannot renew in-band: the stream ends at expiry and the client reconnects with a fresh token.
      const lifetime = new TokenLifetime(conn, ctx.svc.config.realtime.authNoticeSecs, ctx.svc.clock, () => {
        if (!res.destroyed && !res.writableEnded) res.end(`data: ${JSON.stringify(AUTH_EXPIRED)}\n\n`);
      });
      lifetime.set(hs.expiresAt);
      const beat = setInterval(() => {
        conn.push(Frame.heartbeat());
        ctx.sessions.alive(conn);
      }, heartbeatMs);
      beat.unref();
      res.on('close', () => {
        clearInterval(beat);
        lifetime.stop();
        open.delete(res);
        ctx.sessions.close(conn);
      });
      try {
        await ctx.sessions.open(conn, hs.cursor);
      } catch (err) {
        // An outage is logged once by the database dependency; the browser reconnects with Last-Event-ID.
        if (!isConnectionError(err)) req.log.warn({ err }, 'event stream session failed');
        res.destroy();
      }
    },
  });

  /** Ends every open stream (shutdown): browsers reconnect elsewhere with their Last-Event-ID. */
  return () => {
    for (const res of open) {
      res.end();
      setTimeout(() => res.destroy(), 1000).unref();
    }
  };
}
