/**
 * @module realtime/handshake: who is connecting, checked before any socket is upgraded or stream opened. The
 * Origin must be allowed (CORS_ALLOWED_ORIGINS); identity comes from a verified token (`?token=` as MTChat's SDK
 * sends it, or `Authorization: Bearer`), or from `?user_id=` only in the explicit legacy mode.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { identify, isOriginAllowed, NO_REALTIME_TOKEN } from '../security/identity.js';

export interface Handshake {
  userId: string;
  /** The resume cursor the client sent (last_event_id, or SSE's Last-Event-ID header). */
  cursor?: number;
  /** When the token expires (epoch seconds); undefined in legacy mode. */
  expiresAt?: number;
}

function query(req: FastifyRequest): URLSearchParams {
  const q = req.url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
}

function cursorOf(raw: string | undefined | null): number | undefined {
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError('INVALID_INPUT', 'last_event_id must be a non-negative integer');
  return n;
}

export async function handshake(svc: Services, req: FastifyRequest): Promise<Handshake> {
  if (!isOriginAllowed(svc.config.cors.origins, req.headers.origin)) throw new AppError('FORBIDDEN', 'Origin not allowed');
  const header = req.headers['last-event-id'];
  const cursor = cursorOf(query(req).get('last_event_id') ?? (Array.isArray(header) ? header[0] : header));
  const { userId, verified } = await identify(req, svc.tokens, svc.config.auth.mode, { queryToken: true, noToken: NO_REALTIME_TOKEN });
  return { userId, cursor, expiresAt: verified?.expiresAt };
}
