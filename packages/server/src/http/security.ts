/**
 * @module http/security: the request-wide protections: security headers, the CORS_ALLOWED_ORIGINS allow-list
 * enforced (not just advertised), and the rate-limit buckets (per IP here; per user and per send in the Chat API).
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { isOriginAllowed } from '../security/identity.js';
import type { RateLimiter } from './rate-limit.js';

const UNLIMITED = new Set(['/health', '/health/ready']);

/**
 * Routes that cost the most draw from the stricter send bucket: a stored message or an edit of one (sanitized,
 * kept in history, fanned out), a join or leave (a system message and its webhooks), a presigned upload.
 */
const SEND_ROUTES = new Set([
  'POST /api/v1/dialogs/:dialog_id/messages',
  'PUT /api/v1/dialogs/:dialog_id/messages/:id',
  'POST /api/v1/dialogs/:id/join',
  'POST /api/v1/dialogs/:id/leave',
  'POST /api/v1/upload/presign',
]);

export async function registerSecurity(app: FastifyInstance, config: Config, limiter: RateLimiter | undefined): Promise<void> {
  await app.register(helmet, {
    // A JSON API: nothing here is meant to be framed, sniffed or to load anything.
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // X-Frame-Options says what CSP's frame-ancestors 'none' says, for browsers that read only the older header.
    frameguard: { action: 'deny' },
    hsts: { maxAge: 15552000, includeSubDomains: true },
  });
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!isOriginAllowed(config.cors.origins, req.headers.origin)) throw new AppError('FORBIDDEN', 'Origin not allowed');
    if (limiter && !UNLIMITED.has(req.url.split('?')[0] ?? '')) await limiter.ip(req);
  });
}

/** Chat API hook, after the actor is known: the per-user bucket, and the send bucket for costly routes. */
export function userLimits(limiter: RateLimiter | undefined) {
  return async (req: FastifyRequest) => {
    if (!limiter || !req.actor) return;
    await limiter.user(req.actor.userId);
    if (SEND_ROUTES.has(`${req.method} ${req.routeOptions.url}`)) await limiter.send(req.actor.userId);
  };
}
