/**
 * @module security/identity: who is calling the Chat API. A verified Bearer token always wins; MTChat's
 * `user_id` query parameter is trusted only in the explicit legacy mode, and refused when it disagrees with a token.
 */
import type { FastifyRequest } from 'fastify';
import type { Scope } from '@parley/protocol';
import { AppError } from '../errors.js';
import { refuseAgentIdentity } from '../agents/registry.js';
import { parseScopeHeader } from './scope-header.js';
import type { ChatKitClaim, Identity, TokenProfile, TokenService } from './tokens.js';

export interface Actor {
  userId: string;
  /** The scope to match dialogs against: the token's, else X-Scope-Config's, else none. */
  scope?: Scope;
  /** True when the scope came from the token (the header was ignored). */
  scopeFromToken: boolean;
  /** A host-asserted profile from the token; it wins over what the client sends on join. */
  profile?: TokenProfile;
  /** ChatKit options of a minted token (the agent of new threads). */
  chatkit?: ChatKitClaim;
}

/** A token bound to origins may only be used from pages of those origins (requests without Origin are not from a page). */
export function checkTokenOrigin(origins: string[] | undefined, origin: string | undefined): void {
  if (origins && origin !== undefined && !origins.includes(origin)) {
    throw new AppError('FORBIDDEN', 'This token may not be used from this origin');
  }
}

/** MTChat's rule: the first raw `user_id` or `sender_id` pair, percent-decoded only (`+` stays `+`). */
export function queryUserId(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq);
    if (key !== 'user_id' && key !== 'sender_id') continue;
    const raw = pair.slice(eq + 1);
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** What an app that sends no token (MTChat's SDK without `token`) is told: how to give the server an identity. */
export const NO_TOKEN =
  'Authorization header required: send "Authorization: Bearer <token>" with a token from POST /api/v1/management/tokens ' +
  'or a host JWT signed with JWT_SECRET; or, to trust the user_id query parameter as MTChat does, set JWT_AUTH_ENABLED=false';

/** The same for a realtime connection (MTChat's WebSocket sends `?user_id=` when it has no token). */
export const NO_REALTIME_TOKEN =
  'token query parameter required: connect with ?token=<token> (from POST /api/v1/management/tokens, or a host JWT ' +
  'signed with JWT_SECRET); or, to trust the user_id query parameter as MTChat does, set JWT_AUTH_ENABLED=false';

export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!header.startsWith('Bearer ')) throw new AppError('UNAUTHORIZED', 'Invalid authorization format. Use: Bearer <token>');
  const token = header.slice(7).trim();
  if (!token) throw new AppError('UNAUTHORIZED', 'Invalid token');
  return token;
}

/** The allow-list rule of CORS_ALLOWED_ORIGINS, enforced on every request and handshake (no Origin: not a page). */
export function isOriginAllowed(allowed: '*' | string[], origin: string | undefined): boolean {
  return origin === undefined || allowed === '*' || allowed.includes(origin);
}

export interface RequestIdentity {
  userId: string;
  /** The verified token's claims; undefined in legacy mode. */
  verified?: Identity;
}

export interface IdentifyOptions {
  /** Also take the token from `?token=` (realtime handshakes only: a browser cannot set headers there). */
  queryToken?: boolean;
  /** What a caller without a token is told. */
  noToken?: string;
}

function queryToken(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get('token') || undefined;
}

/**
 * Who is calling, for the HTTP guard and the realtime handshake alike: a verified token (refused when a
 * `user_id`/`sender_id` disagrees with it, or when used from an origin it is not bound to), else, in legacy mode
 * only, the `user_id` query parameter by MTChat's rule.
 */
export async function identify(
  req: FastifyRequest,
  tokens: TokenService,
  mode: 'token' | 'legacy',
  o: IdentifyOptions = {},
): Promise<RequestIdentity> {
  const token = (o.queryToken ? queryToken(req.url) : undefined) ?? bearerToken(req.headers.authorization);
  const claimed = queryUserId(req.url);
  if (token) {
    const verified = await tokens.verify(token);
    if (claimed !== undefined && claimed !== verified.userId) {
      throw new AppError('FORBIDDEN', 'user_id does not match the token');
    }
    checkTokenOrigin(verified.origins, req.headers.origin);
    return { userId: verified.userId, verified };
  }
  if (mode !== 'legacy') throw new AppError('UNAUTHORIZED', o.noToken ?? NO_TOKEN);
  if (claimed === undefined) throw new AppError('BAD_REQUEST', 'user_id query parameter required');
  if (claimed === '') throw new AppError('BAD_REQUEST', 'user_id cannot be empty');
  if (claimed.length > 255) throw new AppError('INVALID_INPUT', 'user_id exceeds maximum length of 255 characters');
  refuseAgentIdentity(claimed);
  return { userId: claimed };
}

/** The Chat API's actor: the identity plus the scope to match dialogs against (the token's, else X-Scope-Config's). */
export async function resolveActor(req: FastifyRequest, tokens: TokenService, mode: 'token' | 'legacy'): Promise<Actor> {
  const { userId, verified } = await identify(req, tokens, mode);
  const { profile, chatkit } = verified ?? {};
  if (verified?.scope) return { userId, scope: verified.scope, scopeFromToken: true, profile, chatkit };
  return { userId, scope: parseScopeHeader(req.headers['x-scope-config']), scopeFromToken: false, profile, chatkit };
}
