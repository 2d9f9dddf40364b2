/**
 * @module health/readiness: the answer of `GET /health/ready`, cheap and bounded whatever the call rate. The
 * database is probed at most once per `maxAgeMs` (one probe at a time, bounded by `timeoutMs`); between probes
 * the cached answer is served. A database already known to be down (a pooled connection dropped, a request
 * failed to connect) answers "not ready" at once, while a background probe watches for its return.
 */
import type { Dependencies, Dependency } from './dependency.js';
import { realClock, type Clock } from '../clock.js';

export interface ReadinessAnswer {
  ready: boolean;
  /** The state of every registered connection and loop (`up` / `down`). */
  checks: Record<string, 'up' | 'down'>;
}

export class Readiness {
  private last?: { at: number; ok: boolean };
  private probing?: Promise<boolean>;
  /** Probes run so far (a test checks readiness stays cheap). */
  probes = 0;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly database: Dependency,
    private readonly dependencies: Dependencies,
    private readonly clock: Clock = realClock,
    private readonly maxAgeMs = 1000,
    private readonly timeoutMs = 2000,
  ) {}

  async check(now = this.clock.now().getTime()): Promise<ReadinessAnswer> {
    let ok: boolean;
    if (this.databaseDown()) {
      // Known outage: answer now; a probe (at most one per maxAgeMs) notices the recovery.
      if (!this.fresh(now)) void this.run();
      ok = false;
    } else {
      ok = this.fresh(now) ? this.last!.ok : await this.bounded(this.run());
      if (this.databaseDown()) ok = false; // it went down while the probe ran
    }
    const checks: Record<string, 'up' | 'down'> = {};
    for (const d of this.dependencies.list()) checks[d.name] = d.state;
    return { ready: ok, checks };
  }

  private databaseDown(): boolean {
    return this.database.state === 'down';
  }

  private fresh(now: number): boolean {
    return this.last !== undefined && now - this.last.at < this.maxAgeMs;
  }

  /** One probe at a time; its result is cached and reported to the database dependency. */
  private run(): Promise<boolean> {
    this.probing ??= (async () => {
      this.probes += 1;
      let ok: boolean;
      try {
        await this.probe();
        this.database.ok();
        ok = true;
      } catch (err) {
        this.database.failed(err);
        ok = false;
      }
      this.last = { at: this.clock.now().getTime(), ok };
      this.probing = undefined;
      return ok;
    })();
    return this.probing;
  }

  /** A probe that has not answered within timeoutMs counts as "not ready" for this answer. */
  private bounded(p: Promise<boolean>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.timeoutMs);
      timer.unref();
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }
}
