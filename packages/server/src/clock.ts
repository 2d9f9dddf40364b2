/**
 * @module clock: the one clock of the server, injectable so that tests drive time instead of sleeping. `now()` is
 * the instant every expiry, lease and schedule is measured from; `setTimeout` runs work later. Node runs a
 * setTimeout of more than 2^31-1 ms (~24.8 days) at once (with a warning), so a host JWT expiring in 30 days ended
 * realtime immediately; a longer wait is taken here in capped steps. Every delay that comes from data (a token's
 * `exp`, a cron pattern) goes through this.
 */

/** The longest delay Node's timers accept. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

/** Runs `fn` once, `ms` from now (negative or NaN: as soon as possible); the timer never keeps the process alive. */
export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  const due = Date.now() + (Number.isFinite(ms) ? Math.max(0, ms) : 0);
  let handle: NodeJS.Timeout;
  const arm = () => {
    const left = due - Date.now();
    handle = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
    handle.unref();
  };
  arm();
  return { clear: () => clearTimeout(handle) };
}

/** The current instant and one-shot timers (test/support/manual-clock.ts is the one tests drive by hand). */
export interface Clock {
  now(): Date;
  /** Runs `fn` once, `ms` from now; the timer never keeps the process alive. */
  setTimeout(fn: () => void, ms: number): LongTimer;
}

export const realClock: Clock = { now: () => new Date(), setTimeout: setLongTimeout };
