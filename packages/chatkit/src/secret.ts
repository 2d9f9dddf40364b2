/** @module secret: the hosted client secret, kept in memory only, fetched lazily, refreshed before expiry and once per 401. */
import { readTokenTimes } from '@parley/client';

const EARLY_MS = 30_000;

export class SecretHolder {
  #current: string | null = null;
  #pending: Promise<string> | null = null;

  constructor(
    private readonly getClientSecret: (current: string | null) => Promise<string>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The secret to use now: fetched when none, or when a JWT secret expires within 30 s. */
  async get(): Promise<string> {
    const current = this.#current;
    if (current !== null) {
      const { exp } = readTokenTimes(current);
      if (exp === undefined || exp * 1000 - this.now() > EARLY_MS) return current;
    }
    return this.refresh();
  }

  /** Asks the host for a new secret; concurrent callers share one call. */
  refresh(): Promise<string> {
    this.#pending ??= this.getClientSecret(this.#current)
      .then((secret) => {
        if (typeof secret !== 'string' || secret === '') throw new Error('getClientSecret returned no secret');
        this.#current = secret;
        return secret;
      })
      .finally(() => {
        this.#pending = null;
      });
    return this.#pending;
  }

  /** Keeps the secret out of JSON and console dumps of the client. */
  toJSON(): string {
    return '[secret]';
  }
}
