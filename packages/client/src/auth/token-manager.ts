/**
 * @module auth/token-manager: where request credentials come from. Hosted mode asks the host page for a client
 * secret (a token its backend minted) lazily, again shortly before the token's own `exp`, and once after a 401;
 * concurrent refreshes share one call. Custom mode asks the host for headers on every request.
 */
import { ParleyError } from '../errors.js';

/** Hosted mode: the host backend mints Parley tokens (POST /api/v1/management/tokens) and the page hands them over. */
export interface HostedAuth {
  /** Returns a fresh token; `current` is the one the client holds now (null on the first call). */
  getClientSecret(current: string | null): Promise<string>;
}

/** What a custom-mode headers function is told about the request it signs. */
export interface AuthRequest {
  method: string;
  url: string;
}

/** Custom mode: per-request headers, such as `Authorization: Bearer <host session JWT>`. */
export interface CustomAuth {
  headers(request: AuthRequest): Record<string, string> | Promise<Record<string, string>>;
}

export type AuthOption = HostedAuth | CustomAuth;

/** Credentials for one request, and the value that identifies them if the server rejects them. */
export interface Credentials {
  headers: Record<string, string>;
  /** The bearer token (or header value) sent, compared after a 401 to avoid refreshing twice for one rejection. */
  credential: string | undefined;
}

export interface Authenticator {
  readonly mode: 'hosted' | 'custom';
  credentials(request: AuthRequest): Promise<Credentials>;
  /** After the server rejected `failed`: true when fresh credentials are now available and a retry may succeed. */
  recover(failed: string | undefined, request: AuthRequest): Promise<boolean>;
  /** The bearer token for a realtime connection (WebSocket query or SSE header), when the mode has one. */
  bearer(request: AuthRequest): Promise<string | undefined>;
}

const MAX_MARGIN_MS = 60_000;
const MARGIN_FRACTION = 0.2;
/** However short a token claims to live, it is used at least this long: a refresh loop is worse than one 401. */
const MIN_LIFETIME_MS = 500;

/** Reads `exp` and `iat` from a JWT without verifying it (the server verifies; the client only plans refreshes). */
export function readTokenTimes(token: string): { exp?: number; iat?: number } {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { exp?: unknown; iat?: unknown };
    return {
      ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
      ...(typeof claims.iat === 'number' ? { iat: claims.iat } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * Holds the hosted-mode token. The refresh point is measured on the local clock from when the token was asked for,
 * using the token's lifetime (exp - iat), so a client whose clock is off does not refresh in a loop.
 */
export class TokenManager {
  private token: string | null = null;
  private refreshAt = Infinity;
  private expiresAt = Infinity;
  private inflight: Promise<string> | undefined;
  /** How many times the host was asked for a secret (for diagnostics and tests). */
  fetchCount = 0;

  constructor(
    private readonly source: HostedAuth,
    private readonly now: () => number = Date.now,
    private readonly onRefreshError: (err: ParleyError) => void = () => {},
  ) {}

  get current(): string | null {
    return this.token;
  }

  /** How long until the held token is due for a refresh (ms); Infinity when it has no expiry. */
  refreshInMs(): number {
    return Math.max(0, this.refreshAt - this.now());
  }

  /** The token to use now: fetched on first use, refreshed when its refresh point has passed. */
  async get(): Promise<string> {
    if (this.inflight) return this.inflight;
    if (this.token === null) return this.refresh(null);
    if (this.now() < this.refreshAt) return this.token;
    const held = this.token;
    try {
      return await this.refresh(held);
    } catch (err) {
      // The host could not give a new one yet; a token that has not expired is still worth using.
      if (this.now() < this.expiresAt) return held;
      throw err;
    }
  }

  /**
   * Replaces `stale` with a fresh token. If the held token already differs from `stale`, someone refreshed
   * meanwhile and that token is returned without asking the host again; concurrent callers share one request.
   */
  refresh(stale: string | null): Promise<string> {
    if (this.inflight) return this.inflight;
    if (this.token !== null && stale !== this.token) return Promise.resolve(this.token);
    const asked = this.now();
    this.fetchCount += 1;
    const pending = (async () => {
      let next: unknown;
      try {
        next = await this.source.getClientSecret(this.token);
      } catch (cause) {
        const err = new ParleyError(
          'AUTH_REFRESH_FAILED',
          `getClientSecret failed: ${cause instanceof Error ? cause.message : String(cause)}`,
          { cause },
        );
        this.onRefreshError(err);
        throw err;
      }
      if (typeof next !== 'string' || next.length === 0) {
        const err = new ParleyError('AUTH_REFRESH_FAILED', 'getClientSecret returned no token');
        this.onRefreshError(err);
        throw err;
      }
      this.accept(next, asked);
      return next;
    })();
    this.inflight = pending;
    const clear = () => {
      if (this.inflight === pending) this.inflight = undefined;
    };
    pending.then(clear, clear);
    return pending;
  }

  private accept(token: string, askedAt: number): void {
    this.token = token;
    const { exp, iat } = readTokenTimes(token);
    if (exp === undefined) {
      this.refreshAt = Infinity;
      this.expiresAt = Infinity;
      return;
    }
    // iat and exp are whole seconds and iat was rounded down when minted (after we asked): one second less is safe.
    const estimate = iat !== undefined && exp > iat ? (exp - iat - 1) * 1000 : exp * 1000 - askedAt;
    const lifetime = Math.max(MIN_LIFETIME_MS, estimate);
    this.expiresAt = askedAt + lifetime;
    this.refreshAt = this.expiresAt - Math.min(MAX_MARGIN_MS, lifetime * MARGIN_FRACTION);
  }
}

function isHosted(auth: AuthOption): auth is HostedAuth {
  return typeof (auth as HostedAuth).getClientSecret === 'function';
}

function authorizationOf(headers: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'authorization') return v;
  return undefined;
}

/** Builds the authenticator for the configured mode. */
export function createAuthenticator(
  auth: AuthOption,
  onRefreshError?: (err: ParleyError) => void,
): Authenticator & { tokens?: TokenManager } {
  if (isHosted(auth)) {
    const tokens = new TokenManager(auth, Date.now, onRefreshError);
    return {
      mode: 'hosted',
      tokens,
      async credentials() {
        const token = await tokens.get();
        return { headers: { authorization: `Bearer ${token}` }, credential: token };
      },
      async recover(failed) {
        await tokens.refresh(failed ?? null);
        return true;
      },
      bearer: () => tokens.get(),
    };
  }
  if (typeof auth.headers !== 'function') {
    throw new TypeError('auth must have getClientSecret(current) (hosted mode) or headers(request) (custom mode)');
  }
  return {
    mode: 'custom',
    async credentials(request) {
      const headers = { ...(await auth.headers(request)) };
      return { headers, credential: authorizationOf(headers) };
    },
    async recover(failed, request) {
      // The host may have renewed its session since: retry only if it now gives different credentials.
      const again = authorizationOf(await auth.headers(request));
      return again !== undefined && again !== failed;
    },
    async bearer(request) {
      const value = authorizationOf(await auth.headers(request));
      return value?.startsWith('Bearer ') ? value.slice(7) : undefined;
    },
  };
}
