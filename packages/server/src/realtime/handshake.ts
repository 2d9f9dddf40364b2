/**
 * @module realtime/handshake: who is connecting, checked before any socket is upgraded or stream opened. The
 * Origin must be allowed (CORS_ALLOWED_ORIGINS); identity comes from a verified token (`?token=` as MTChat's SDK
 * sends it, or `Authorization: Bearer`), or from `?user_id=` only in the explicit legacy mode.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { refuseAgentIdentity } from '../agents/registry.js';
import { bearerToken, checkTokenOrigin, NO_REALTIME_TOKEN } from '../security/identity.js';

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

export function checkOrigin(svc: Services, req: FastifyRequest): void {
  const allowed = svc.config.cors.origins;
  const origin = req.headers.origin;
  // Browsers always send Origin on these requests; other clients are not protected by it anyway.
  if (allowed === '*' || origin === undefined) return;
  if (!allowed.includes(origin)) throw new AppError('FORBIDDEN', 'Origin not allowed');
}

function cursorOf(raw: string | undefined | null): number | undefined {
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError('INVALID_INPUT', 'last_event_id must be a non-negative integer');
  return n;
}

export async function handshake(svc: Services, req: FastifyRequest): Promise<Handshake> {
  checkOrigin(svc, req);
  const params = query(req);
  const header = req.headers['last-event-id'];
  const cursor = cursorOf(params.get('last_event_id') ?? (Array.isArray(header) ? header[0] : header));
  const token = params.get('token') || bearerToken(req.headers.authorization);
  if (token) {
    const identity = await svc.tokens.verify(token);
    checkTokenOrigin(identity.origins, req.headers.origin);
    return { userId: identity.userId, cursor, expiresAt: identity.expiresAt };
  }
  if (svc.config.auth.mode !== 'legacy') throw new AppError('UNAUTHORIZED', NO_REALTIME_TOKEN);
  const userId = params.get('user_id');
  if (userId === null) throw new AppError('BAD_REQUEST', 'Missing user_id query parameter');
  if (userId === '') throw new AppError('BAD_REQUEST', 'user_id cannot be empty');
  if (userId.length > 255) throw new AppError('INVALID_INPUT', 'user_id exceeds maximum length of 255 characters');
  refuseAgentIdentity(userId);
  return { userId, cursor };
}
