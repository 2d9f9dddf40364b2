/**
 * @module security/tokens: Parley-minted user tokens (HS256, key id from a rotating key ring) and host tokens
 * (HS256 secrets, or RS256/ES256 from a JWKS). The token's own `alg` never picks the key: the key id and a fixed
 * algorithm allow-list per key family do, so there is no `none` and no HS/RS confusion.
 */
import { refuseAgentIdentity } from '../agents/registry.js';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { LIMITS, ScopeInput, TokenChatKitOptions, TokenProfile, type Scope } from '@parley/protocol';
import { AppError } from '../errors.js';
import { valueProblem } from './input-text.js';
import type { SigningKey } from './secrets.js';
import { realClock, type Clock } from '../clock.js';
import { VerifiedTokens } from './verified-tokens.js';

const ISSUER = 'parley';
const AUDIENCE = 'parley:chat';

export type { TokenProfile } from '@parley/protocol';

export interface Identity {
  userId: string;
  /** A scope the token carries; when present it overrides X-Scope-Config. */
  scope?: Scope;
  profile?: TokenProfile;
  /** Browser origins the token may be used from (the ChatKit domain allow-list). */
  origins?: string[];
  /** The agent (and object type) that ChatKit's threads.create puts in each new thread. */
  chatkit?: ChatKitClaim;
  /** Epoch seconds. */
  expiresAt?: number;
}

export interface MintInput {
  userId: string;
  scope?: Scope;
  profile?: TokenProfile;
  origins?: string[];
  chatkit?: ChatKitClaim;
  ttlSeconds: number;
}

export type ChatKitClaim = z.output<typeof TokenChatKitOptions>;

export interface TokenService {
  mint(input: MintInput): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string): Promise<Identity>;
  /** Replaces the key ring (after a rotation): the first key signs, every key verifies. */
  setSigningKeys(keys: SigningKey[]): void;
}

export interface TokenOptions {
  signingKeys: SigningKey[];
  hostSecrets: string[];
  userIdClaim: string;
  /** The host-JWT claim that may carry a scope (JWT_SCOPE_CLAIM). */
  scopeClaim: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Minting and expiry checks read this clock (the server's injected one). */
  clock?: Clock;
}

const OwnClaims = z.object({
  sub: z.string().min(1).max(LIMITS.idChars),
  scope: ScopeInput.optional(),
  profile: TokenProfile.optional(),
  origins: z.array(z.string()).max(50).optional(),
  chatkit: TokenChatKitOptions.optional(),
});

export function createTokenService(opts: TokenOptions): TokenService {
  const clock = opts.clock ?? realClock;
  const enc = new TextEncoder();
  let own = opts.signingKeys.map((k) => ({ kid: k.kid, key: enc.encode(k.secret) }));
  const verified = new VerifiedTokens<Identity>(clock);
  const host = opts.hostSecrets.map((s) => enc.encode(s));
  const jwks: JWTVerifyGetKey | undefined = opts.jwksUrl
    ? createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 30_000 })
    : undefined;
  const hostChecks = { ...(opts.issuer ? { issuer: opts.issuer } : {}), ...(opts.audience ? { audience: opts.audience } : {}) };

  function invalid(err: unknown): AppError {
    if (err instanceof AppError) return err;
    if (err instanceof errors.JWTExpired) return new AppError('TOKEN_EXPIRED', 'Token expired');
    return new AppError('UNAUTHORIZED', 'Invalid token');
  }

  function claimUser(payload: JWTPayload): string {
    const v = payload[opts.userIdClaim];
    if (typeof v === 'string' && v.length > 0 && v.length <= LIMITS.idChars) return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new AppError('UNAUTHORIZED', 'Invalid token');
  }

  /** A host JWT's scope claim, when it has one; a malformed scope makes the token invalid (never silently ignored). */
  function claimScope(payload: JWTPayload): Scope | undefined {
    const v = payload[opts.scopeClaim];
    if (v === undefined) return undefined;
    const parsed = ScopeInput.safeParse(v);
    if (!parsed.success || valueProblem(parsed.data)) throw new AppError('UNAUTHORIZED', 'Invalid token');
    return parsed.data;
  }

  const hostIdentity = (payload: JWTPayload): Identity => ({
    userId: claimUser(payload),
    scope: claimScope(payload),
    expiresAt: payload.exp,
  });

  async function verifyOwn(token: string, key: Uint8Array): Promise<Identity> {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      currentDate: clock.now(),
    });
    const claims = OwnClaims.safeParse(payload);
    if (!claims.success) throw new AppError('UNAUTHORIZED', 'Invalid token');
    const { sub, scope, profile, origins, chatkit } = claims.data;
    return { userId: sub, scope, profile, origins, chatkit, expiresAt: payload.exp };
  }

  async function verifyHost(token: string, alg: string | undefined): Promise<Identity> {
    if ((alg === 'RS256' || alg === 'ES256') && jwks) {
      const { payload } = await jwtVerify(token, jwks, { algorithms: ['RS256', 'ES256'], currentDate: clock.now(), ...hostChecks });
      return hostIdentity(payload);
    }
    if (alg === 'HS256' && host.length > 0) {
      let last: unknown;
      for (const key of host) {
        try {
          const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: clock.now(), ...hostChecks });
          return hostIdentity(payload);
        } catch (err) {
          last = err;
          // A good signature with bad claims will not get better with another secret.
          if (!(err instanceof errors.JWSSignatureVerificationFailed)) break;
        }
      }
      throw last;
    }
    throw new AppError('UNAUTHORIZED', 'Invalid token');
  }

  return {
    async mint({ userId, scope, profile, origins, chatkit, ttlSeconds }) {
      const current = own[0];
      if (!current) throw new Error('no signing key');
      // `exp` is in whole seconds; rounding the real instant up gives a token at least its full lifetime.
      const nowMs = clock.now().getTime();
      const exp = Math.ceil((nowMs + ttlSeconds * 1000) / 1000);
      const claims: Record<string, unknown> = {};
      if (scope) claims.scope = scope;
      if (profile) claims.profile = profile;
      if (origins) claims.origins = origins;
      if (chatkit) claims.chatkit = chatkit;
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: current.kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(userId)
        .setIssuedAt(Math.floor(nowMs / 1000))
        .setExpirationTime(exp);
      return { token: await jwt.sign(current.key), expiresAt: new Date(exp * 1000) };
    },

    async verify(token) {
      const known = verified.get(token);
      if (known) return known;
      let header: { kid?: string; alg?: string };
      try {
        header = decodeProtectedHeader(token);
      } catch {
        throw new AppError('UNAUTHORIZED', 'Invalid token');
      }
      try {
        const mine = header.kid === undefined ? undefined : own.find((k) => k.kid === header.kid);
        const identity = mine ? await verifyOwn(token, mine.key) : await verifyHost(token, header.alg);
        refuseAgentIdentity(identity.userId);
        verified.put(token, identity, identity.expiresAt);
        return identity;
      } catch (err) {
        throw invalid(err);
      }
    },

    setSigningKeys(keys) {
      if (keys.length > 0) own = keys.map((k) => ({ kid: k.kid, key: enc.encode(k.secret) }));
      // A key that left the ring must stop verifying at once, also for tokens seen before.
      verified.clear();
    },
  };
}
