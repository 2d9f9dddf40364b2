/**
 * @module realtime/expiry: a live connection outlives no token. Ahead of expiry the client is sent
 * `{"type":"auth.expiring","expires_at"}`; it may renew in-band with `{"type":"auth","token"}` (answered
 * `auth.ok` or `auth.failed`) without reconnecting. A connection whose token runs out is sent `auth.expired` and
 * closed with AUTH_EXPIRED_CLOSE_CODE, which tells a client to refresh its token and reconnect at once (no backoff).
 */
import { CLOSE_CODES, type ControlFrame } from '@parley/protocol';
import type { Services } from '../context.js';
import { AppError } from '../errors.js';
import { checkTokenOrigin } from '../security/identity.js';
import type { Clock, LongTimer } from '../clock.js';
import { timestamp } from '../wire.js';
import { Frame, type Connection } from './connection.js';

export const AUTH_EXPIRED_CLOSE_CODE = CLOSE_CODES.authExpired;
/** The frame that ends a connection whose token ran out. */
export const AUTH_EXPIRED: ControlFrame = { type: 'auth.expired' };

export class TokenLifetime {
  private notice?: LongTimer;
  private expiry?: LongTimer;

  constructor(
    private readonly conn: Connection,
    private readonly noticeSecs: number,
    private readonly clock: Clock,
    /** Sends `auth.expired` and ends the connection (transport-specific). */
    private readonly expire: () => void,
  ) {}

  /** (Re)arms the timers for a token that expires at `expiresAt` (epoch seconds); nothing for no expiry. */
  set(expiresAt: number | undefined): void {
    this.stop();
    if (expiresAt === undefined) return;
    const left = expiresAt * 1000 - this.clock.now().getTime();
    const notifyIn = Math.max(0, left - this.noticeSecs * 1000);
    this.notice = this.clock.setTimeout(
      () => this.conn.push(Frame.control({ type: 'auth.expiring', expires_at: timestamp(new Date(expiresAt * 1000)) })),
      notifyIn,
    );
    this.expiry = this.clock.setTimeout(() => this.expire(), left);
  }

  /** In-band renewal: the new token must be valid, for the same user, and allowed from the connection's origin. */
  async renew(svc: Services, token: unknown, origin: string | undefined): Promise<void> {
    try {
      if (typeof token !== 'string' || token === '') throw new AppError('INVALID_INPUT', 'auth needs a token');
      const identity = await svc.tokens.verify(token);
      if (identity.userId !== this.conn.userId) throw new AppError('FORBIDDEN', 'The token is for another user');
      checkTokenOrigin(identity.origins, origin);
      this.set(identity.expiresAt);
      const expiresAt = identity.expiresAt === undefined ? null : timestamp(new Date(identity.expiresAt * 1000));
      this.conn.push(Frame.control({ type: 'auth.ok', expires_at: expiresAt }));
    } catch (err) {
      const e = err instanceof AppError ? err : new AppError('UNAUTHORIZED', 'Invalid token');
      this.conn.push(Frame.control({ type: 'auth.failed', code: e.code, message: e.message }));
    }
  }

  stop(): void {
    this.notice?.clear();
    this.expiry?.clear();
  }
}
