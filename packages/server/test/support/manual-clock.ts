/** A clock a test drives by hand (the server's injectable `Clock`, src/clock.ts): time stands still until `advance`. */
import type { Clock, LongTimer } from '../../src/clock.js';

export class ManualClock implements Clock {
  private elapsed = 0;
  private due: { at: number; fn: () => void; live: boolean }[] = [];

  /** `start`: the instant the clock shows before any `advance` (epoch ms; the real instant by default). */
  constructor(private readonly start = Date.now()) {}

  now(): Date {
    return new Date(this.start + this.elapsed);
  }

  setTimeout(fn: () => void, ms: number): LongTimer {
    const t = { at: this.elapsed + (Number.isFinite(ms) ? Math.max(0, ms) : 0), fn, live: true };
    this.due.push(t);
    return {
      clear: () => {
        t.live = false;
      },
    };
  }

  /** Moves the clock forward and runs every timer that came due, earliest first. */
  advance(ms: number): void {
    this.elapsed += ms;
    for (;;) {
      this.due = this.due.filter((t) => t.live);
      const next = this.due.filter((t) => t.at <= this.elapsed).sort((a, b) => a.at - b.at)[0];
      if (!next) return;
      next.live = false;
      next.fn();
    }
  }
}
