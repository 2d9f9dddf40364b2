/**
 * @module security/verified-tokens: remembers tokens whose signature and claims were checked, so a client that
 * sends the same bearer token with every request is not verified again each time (an HMAC through WebCrypto per
 * request). A remembered token is still refused from its `exp` on, by the same clock, and is verified again at
 * least every `maxAgeMs` (a host's JWKS or a key ring may have dropped its key meanwhile).
 */
import type { Clock } from '../clock.js';

interface Entry<T> {
  value: T;
  /** Epoch ms from which the token is expired (Infinity without `exp`). */
  expiresAtMs: number;
  /** Epoch ms after which it is verified again. */
  recheckAtMs: number;
}

export class VerifiedTokens<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly capacity = 5_000,
    private readonly maxAgeMs = 60_000,
  ) {}

  /** The identity of a token verified earlier, if it is still good now. */
  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    const now = this.clock.now().getTime();
    if (now >= entry.expiresAtMs || now >= entry.recheckAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** Remembers a token just verified; `expiresAt` is its `exp` claim (epoch seconds). */
  put(token: string, value: T, expiresAt: number | undefined): void {
    if (this.entries.size >= this.capacity) {
      // The oldest first (a Map keeps insertion order).
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const now = this.clock.now().getTime();
    this.entries.set(token, {
      value,
      expiresAtMs: expiresAt === undefined ? Number.POSITIVE_INFINITY : expiresAt * 1000,
      recheckAtMs: now + this.maxAgeMs,
    });
  }

  /** Forgets everything (the keys changed). */
  clear(): void {
    this.entries.clear();
  }
}
