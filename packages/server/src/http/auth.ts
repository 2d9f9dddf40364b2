/** @module http/auth: request guards: the admin token for the Management API, the actor for the Chat API. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { resolveActor, type Actor } from '../security/identity.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of the Bearer token with ADMIN_API_TOKEN (compared as SHA-256 digests). */
export function adminGuard(svc: Services) {
  const expected = digest(svc.adminToken);
  return async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    if (header === undefined) throw new AppError('UNAUTHORIZED', 'Authorization header required');
    if (!header.startsWith('Bearer ')) throw new AppError('UNAUTHORIZED', 'Invalid authorization format. Use: Bearer <token>');
    if (!timingSafeEqual(digest(header.slice(7)), expected)) throw new AppError('FORBIDDEN', 'Invalid admin token');
  };
}

export function actorGuard(svc: Services) {
  return async (req: FastifyRequest) => {
    req.actor = await resolveActor(req, svc.tokens, svc.config.auth.mode);
  };
}

/** The actor set by actorGuard; routes under the Chat API always have one. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('UNAUTHORIZED', 'Authentication required');
  return req.actor;
}
