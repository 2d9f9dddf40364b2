/**
 * @module security/tokens: Parley-minted user tokens (HS256 with a key id) and host-signed JWTs (HS256 secrets).
 * Verification never trusts the token's own `alg`: each key family has a fixed algorithm allow-list.
 */
import { errors, jwtVerify, SignJWT, decodeProtectedHeader, type JWTPayload } from 'jose';
import { ScopeInput, type Scope } from '@parley/protocol';
import { AppError } from '../errors.js';
import type { SigningKey } from './secrets.js';

const ISSUER = 'parley';
const AUDIENCE = 'parley:chat';

export interface Identity {
  userId: string;
  /** A scope the token carries; when present it overrides X-Scope-Config. */
  scope?: Scope;
  expiresAt?: number;
}

export interface TokenService {
  mint(input: { userId: string; scope?: Scope; ttlSeconds: number }): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string): Promise<Identity>;
}

export function createTokenService(opts: {
  signingKeys: SigningKey[];
  hostSecrets: string[];
  userIdClaim: string;
}): TokenService {
  const enc = new TextEncoder();
  const own = opts.signingKeys.map((k) => ({ kid: k.kid, key: enc.encode(k.secret) }));
  const host = opts.hostSecrets.map((s) => enc.encode(s));
  const current = own[0]!;

  function invalid(err: unknown): AppError {
    if (err instanceof errors.JWTExpired) return new AppError('TOKEN_EXPIRED', 'Token expired');
    return new AppError('UNAUTHORIZED', 'Invalid token');
  }

  async function verifyOwn(token: string, key: Uint8Array): Promise<Identity> {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ['exp', 'sub'] });
    const scope = payload.scope === undefined ? undefined : ScopeInput.parse(payload.scope);
    return { userId: String(payload.sub), scope, expiresAt: payload.exp };
  }

  function claimUser(payload: JWTPayload): string {
    const v = payload[opts.userIdClaim];
    if (typeof v === 'string' && v.length > 0 && v.length <= 255) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new AppError('UNAUTHORIZED', 'Invalid token');
  }

  return {
    async mint({ userId, scope, ttlSeconds }) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + ttlSeconds;
      const jwt = new SignJWT(scope ? { scope } : {})
        .setProtectedHeader({ alg: 'HS256', kid: current.kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(userId)
        .setIssuedAt(now)
        .setExpirationTime(exp);
      return { token: await jwt.sign(current.key), expiresAt: new Date(exp * 1000) };
    },

    async verify(token) {
      let kid: string | undefined;
      try {
        kid = decodeProtectedHeader(token).kid;
      } catch {
        throw new AppError('UNAUTHORIZED', 'Invalid token');
      }
      const mine = own.find((k) => k.kid === kid);
      if (mine) {
        try {
          return await verifyOwn(token, mine.key);
        } catch (err) {
          throw err instanceof AppError ? err : invalid(err);
        }
      }
      let last: unknown = new AppError('UNAUTHORIZED', 'Invalid token');
      for (const key of host) {
        try {
          const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
          return { userId: claimUser(payload), expiresAt: payload.exp };
        } catch (err) {
          if (err instanceof AppError) throw err;
          last = err;
          if (err instanceof errors.JWTExpired || err instanceof errors.JWTClaimValidationFailed) break;
        }
      }
      throw last instanceof AppError ? last : invalid(last);
    },
  };
}
