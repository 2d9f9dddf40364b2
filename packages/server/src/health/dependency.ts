/**
 * @module health/dependency: the up/down state of each long-lived connection and background loop of one
 * instance (the database pool, Redis clients, the object store, the realtime hub, the job pollers...). Each one
 * is registered at start-up, so the list is complete and logged once; a failure is logged when the state
 * changes (down, then up again), never once per request or per retry. See docs/operations.md.
 */
import type { FastifyBaseLogger } from 'fastify';
import { retryDelayMs } from '../jobs/backoff.js';
import { realClock, type Clock } from '../clock.js';

/** What a dependency is: a connection to a backend, or a loop that reads and writes through them. */
export type DependencyKind = 'database' | 'redis' | 'object-store' | 'loop';

export interface DependencyStatus {
  name: string;
  kind: DependencyKind;
  state: 'up' | 'down';
  /** Failures since start-up. */
  failures: number;
  outages: number;
  since: string;
}

function summary(err: unknown): { message: string; code?: string } {
  const e = err as { message?: unknown; code?: unknown };
  return { message: typeof e?.message === 'string' ? e.message : String(err), ...(typeof e?.code === 'string' ? { code: e.code } : {}) };
}

export class Dependency {
  state: 'up' | 'down' = 'up';
  /** Failures since start-up (a test checks a dependency saw an outage and came back). */
  failures = 0;
  /** Failures in a row (drives the backoff of a loop). */
  streak = 0;
  /** Times it went down: what the log shows (one line down, one line up, per outage). */
  outages = 0;
  private since: Date;

  constructor(
    readonly name: string,
    readonly kind: DependencyKind,
    private readonly log: FastifyBaseLogger,
    private readonly clock: Clock = realClock,
  ) {
    this.since = clock.now();
  }

  /** It worked: logs the recovery if it was down. */
  ok(): void {
    this.streak = 0;
    if (this.state === 'up') return;
    const downForMs = this.clock.now().getTime() - this.since.getTime();
    this.state = 'up';
    this.since = this.clock.now();
    this.log.info({ dependency: this.name, kind: this.kind, downForMs }, `${this.name}: recovered`);
  }

  /** It failed: logs the first failure of an outage (the rest at debug level). */
  failed(err: unknown): void {
    this.failures += 1;
    this.streak += 1;
    if (this.state === 'down') {
      this.log.debug({ dependency: this.name, error: summary(err) }, `${this.name}: still failing`);
      return;
    }
    this.state = 'down';
    this.outages += 1;
    this.since = this.clock.now();
    if (this.kind === 'loop')
      this.log.warn({ dependency: this.name, kind: this.kind, error: summary(err) }, `${this.name}: failing; backing off and retrying`);
    else this.log.error({ dependency: this.name, kind: this.kind, error: summary(err) }, `${this.name}: unavailable; retrying`);
  }

  /** Closed on purpose (shutdown): down, without an outage in the log. */
  closed(): void {
    this.state = 'down';
    this.since = this.clock.now();
  }

  /** Runs one round of work: records the outcome and never throws (a loop carries on after a failure). */
  async guard<T>(round: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    try {
      const value = await round();
      this.ok();
      return { ok: true, value };
    } catch (err) {
      this.failed(err);
      return { ok: false };
    }
  }

  /** How long a loop waits before its next try: `baseMs` while healthy, backing off to `maxMs` in an outage. */
  delayMs(baseMs: number, maxMs = 30_000): number {
    return this.streak === 0 ? baseMs : Math.max(baseMs, retryDelayMs(this.streak, baseMs, Math.max(baseMs, maxMs)));
  }

  status(): DependencyStatus {
    return {
      name: this.name,
      kind: this.kind,
      state: this.state,
      failures: this.failures,
      outages: this.outages,
      since: this.since.toISOString(),
    };
  }
}

/** Every long-lived connection and loop of this instance, by name. */
export class Dependencies {
  private readonly all = new Map<string, Dependency>();

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly clock: Clock = realClock,
  ) {}

  /** Registers (or returns the already registered) dependency of this name. */
  register(name: string, kind: DependencyKind): Dependency {
    let d = this.all.get(name);
    if (!d) {
      d = new Dependency(name, kind, this.log, this.clock);
      this.all.set(name, d);
    }
    return d;
  }

  get(name: string): Dependency | undefined {
    return this.all.get(name);
  }

  list(): Dependency[] {
    return [...this.all.values()];
  }
}
