/**
 * @module http/drain: graceful shutdown at the edge. Once draining, a request that still arrives (on a kept-alive
 * connection) gets 503 `NOT_READY` in the error envelope with `Retry-After` and `Connection: close`, so a load
 * balancer sends it elsewhere; requests already running finish. Fastify's own 503 while closing is turned off
 * because its body is not the envelope.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

export interface Drain {
  /** From now on, new requests are turned away. */
  begin(): void;
  readonly draining: boolean;
}

export function registerDrain(app: FastifyInstance): Drain {
  let draining = false;
  app.addHook('onRequest', async (_req, reply) => {
    if (!draining) return;
    const err = new AppError('NOT_READY', 'The server is shutting down; retry', { headers: { 'retry-after': '1' } });
    return reply
      .status(err.status)
      .headers({ ...err.headers, connection: 'close' })
      .send(err.toWire());
  });
  return {
    begin() {
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
}
