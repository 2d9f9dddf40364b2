/**
 * @module connection/backoff: full-jitter exponential backoff (a random delay between 0 and min(cap, base·2^n)),
 * with no attempt limit: the interval is capped, the retries never stop. Reset after a success.
 */

export interface BackoffOptions {
  /** The first ceiling, in ms. */
  initialMs?: number;
  /** The largest ceiling, in ms: reconnects never wait longer than this. */
  maxMs?: number;
  /** A source of numbers in [0, 1), injectable for tests. */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  readonly initialMs: number;
  readonly maxMs: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = Math.max(1, opts.initialMs ?? 500);
    this.maxMs = Math.max(this.initialMs, opts.maxMs ?? 10_000);
    this.random = opts.random ?? Math.random;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The next delay in ms. */
  next(): number {
    // 2^30 already exceeds any sensible cap; stop growing the exponent so it never overflows.
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.floor(this.random() * ceiling);
  }

  reset(): void {
    this.attempt = 0;
  }
}
