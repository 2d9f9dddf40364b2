/** Timers a test drives by hand (the server's injectable `Timers`, src/timers.ts): nothing fires until `advance`. */
import type { LongTimer, Timers } from '../../src/timers.js';

export class ManualTimers implements Timers {
  private now = 0;
  private due: { at: number; fn: () => void; live: boolean }[] = [];

  setTimeout(fn: () => void, ms: number): LongTimer {
    const t = { at: this.now + Math.max(0, ms), fn, live: true };
    this.due.push(t);
    return {
      clear: () => {
        t.live = false;
      },
    };
  }

  /** Moves the clock forward and runs every timer that came due, earliest first. */
  advance(ms: number): void {
    this.now += ms;
    for (;;) {
      this.due = this.due.filter((t) => t.live);
      const next = this.due.filter((t) => t.at <= this.now).sort((a, b) => a.at - b.at)[0];
      if (!next) return;
      next.live = false;
      next.fn();
    }
  }
}
