/**
 * @module realtime/ws: MTChat's WebSocket, `GET /api/v1/ws`. The handshake (Origin, token or legacy user_id)
 * is checked before the upgrade; then `connected`, live events (each with `event_id`), `pong` for
 * `{"type":"ping"}`, and everything else the client sends (subscribe/unsubscribe, binary) is ignored. The
 * server also pings at the protocol level and drops a socket that stops answering (a dead socket that looks alive).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CLOSE_CODES } from '@parley/protocol';
import { AppError } from '../errors.js';
import { Connection, type ConnectionLimits, type Transport } from './connection.js';
import { AUTH_EXPIRED, AUTH_EXPIRED_CLOSE_CODE, TokenLifetime } from './expiry.js';
import { requestBase } from '../http/links.js';
import { handshake, type Handshake } from './handshake.js';
import { isConnectionError } from '../health/connection-errors.js';
import type { RealtimeContext } from './routes.js';

/** The resync close code: the client must refetch its state (4000-4999 are for applications). */
export const RESYNC_CLOSE_CODE = CLOSE_CODES.resyncRequired;

function transport(socket: WebSocket): Transport {
  return {
    kind: 'ws',
    write(frame, flushed) {
      if (socket.readyState !== socket.OPEN) return flushed();
      socket.send(frame.text, () => flushed());
    },
    resync(frame) {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(frame.text);
      socket.close(RESYNC_CLOSE_CODE, 'resync required');
    },
  };
}

export function websocketRoute(app: FastifyInstance, ctx: RealtimeContext, limits: ConnectionLimits): void {
  const accepted = new WeakMap<FastifyRequest, Handshake>();
  const heartbeatMs = ctx.svc.config.realtime.heartbeatSecs * 1000;

  app.route({
    method: 'GET',
    url: '/api/v1/ws',
    schema: { hide: true },
    preValidation: async (req) => {
      // As in MTChat, a request that is not an upgrade fails before authentication.
      if (!req.ws) throw new AppError('BAD_REQUEST', 'WebSocket upgrade required');
      accepted.set(req, await handshake(ctx.svc, req));
    },
    handler: async () => {
      throw new AppError('BAD_REQUEST', 'WebSocket upgrade required');
    },
    wsHandler: (socket, req) => {
      const hs = accepted.get(req);
      if (!hs) return socket.close(1011, 'no handshake');
      const conn = new Connection(hs.userId, transport(socket), limits, (c) => ctx.sessions.overflowed(c), requestBase(req));
      const lifetime = new TokenLifetime(conn, ctx.svc.config.realtime.authNoticeSecs, ctx.svc.clock, () => {
        if (socket.readyState !== socket.OPEN) return;
        socket.send(JSON.stringify(AUTH_EXPIRED), () => socket.close(AUTH_EXPIRED_CLOSE_CODE, 'token expired'));
      });
      lifetime.set(hs.expiresAt);
      let answered = true;
      const beat = setInterval(() => {
        if (!answered) return socket.terminate();
        answered = false;
        socket.ping();
      }, heartbeatMs);
      beat.unref();
      socket.on('pong', () => {
        answered = true;
        ctx.sessions.ping(conn, false);
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        let msg: unknown;
        try {
          msg = JSON.parse(String(data));
        } catch {
          return;
        }
        const type = msg && typeof msg === 'object' ? (msg as { type?: unknown }).type : undefined;
        if (type === 'ping') ctx.sessions.ping(conn, true);
        else if (type === 'auth') void lifetime.renew(ctx.svc, (msg as { token?: unknown }).token, req.headers.origin);
      });
      socket.on('close', () => {
        clearInterval(beat);
        lifetime.stop();
        ctx.sessions.close(conn);
      });
      ctx.sessions.open(conn, hs.cursor).catch((err: unknown) => {
        // An outage is logged once by the database dependency; the client reconnects with its cursor.
        if (!isConnectionError(err)) req.log.warn({ err }, 'websocket session failed');
        socket.terminate();
      });
    },
  });
}
