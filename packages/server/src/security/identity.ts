/**
 * @module security/identity: who is calling the Chat API. A verified Bearer token always wins; MTChat's
 * `user_id` query parameter is trusted only in the explicit legacy mode, and refused when it disagrees with a token.
 */
import type { FastifyRequest } from 'fastify';
import type { Scope } from '@parley/protocol';
import { AppError } from '../errors.js';
import { refuseAgentIdentity } from '../agents/registry.js';
import { parseScopeHeader } from './scope-header.js';
import type { ChatKitClaim, TokenProfile, TokenService } from './tokens.js';

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

export async function resolveActor(req: FastifyRequest, tokens: TokenService, mode: 'token' | 'legacy'): Promise<Actor> {
  const token = bearerToken(req.headers.authorization);
  const claimed = queryUserId(req.url);
  if (token) {
    const identity = await tokens.verify(token);
    if (claimed !== undefined && claimed !== identity.userId) {
      throw new AppError('FORBIDDEN', 'user_id does not match the token');
    }
    checkTokenOrigin(identity.origins, req.headers.origin);
    const { profile, chatkit } = identity;
    if (identity.scope) return { userId: identity.userId, scope: identity.scope, scopeFromToken: true, profile, chatkit };
    return { userId: identity.userId, scope: parseScopeHeader(req.headers['x-scope-config']), scopeFromToken: false, profile, chatkit };
  }
  if (mode !== 'legacy') throw new AppError('UNAUTHORIZED', NO_TOKEN);
  if (claimed === undefined) throw new AppError('BAD_REQUEST', 'user_id query parameter required');
  if (claimed === '') throw new AppError('BAD_REQUEST', 'user_id cannot be empty');
  if (claimed.length > 255) throw new AppError('INVALID_INPUT', 'user_id exceeds maximum length of 255 characters');
  refuseAgentIdentity(claimed);
  return { userId: claimed, scope: parseScopeHeader(req.headers['x-scope-config']), scopeFromToken: false };
}
