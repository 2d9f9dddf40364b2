/** @module realtime/routes: the realtime HTTP surface: the WebSocket (`/api/v1/ws`) and SSE (`/api/v1/events`). */
import websocket from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../context.js';
import type { Sessions } from './session.js';
import { sseRoute } from './sse.js';
import { websocketRoute } from './ws.js';

export interface RealtimeContext {
  svc: Services;
  sessions: Sessions;
}

/** Bytes handed to one socket and not yet flushed before further frames wait in the connection's queue. */
const IN_FLIGHT_BYTES = 256 * 1024;

/**
 * Registered without encapsulation (like @fastify/websocket itself), so the clean-up hook below sees every
 * upgrade request, including the ones refused by an earlier hook or routed nowhere.
 */
export function realtimeRoutes(ctx: RealtimeContext): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    const limits = {
      queue: ctx.svc.config.realtime.queueLimit,
      queueBytes: ctx.svc.config.realtime.queueBytes,
      inFlightBytes: IN_FLIGHT_BYTES,
    };
    let endStreams = () => {};
    await app.register(websocket, {
      options: { maxPayload: 64 * 1024 },
      // Shutdown: say goodbye (1001 "going away"), then cut sockets that do not answer.
      preClose(done) {
        for (const client of app.websocketServer.clients) {
          client.close(1001, 'server shutting down');
          setTimeout(() => client.terminate(), 1000).unref();
        }
        endStreams();
        done();
      },
    });
    // A refused upgrade has its answer written to the raw socket, which nothing else closes (a leak otherwise).
    app.addHook('onResponse', async (req) => {
      if (req.headers.upgrade !== undefined && !req.ws) req.raw.socket?.destroy();
    });
    websocketRoute(app, ctx, limits);
    endStreams = sseRoute(app, ctx, limits);
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
