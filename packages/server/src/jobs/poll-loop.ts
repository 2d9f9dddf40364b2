/**
 * @module jobs/poll-loop: the one scheduler of background work. Runs a round again and again: at once while it
 * finds work, else after the interval (fixed, or computed before each wait, e.g. the next cron tick) or when woken
 * (after a local commit). Waits are taken on the injected clock. Never throws: a failing round is recorded on the
 * loop's dependency (logged once per outage) and the loop backs off, then carries on. stop() waits for the round
 * in progress.
 */
import type { Clock, LongTimer } from '../clock.js';
import type { Dependency } from '../health/dependency.js';

export interface PollLoop {
  wake(): void;
  stop(): Promise<void>;
}

/**
 * `round` returns true when it did something (so the next round starts at once). In an outage the wait backs off
 * from the interval up to `maxBackoffMs`.
 */
export function startPollLoop(
  clock: Clock,
  health: Dependency,
  interval: number | (() => number),
  round: () => Promise<boolean>,
  maxBackoffMs = 30_000,
): PollLoop {
  let stopped = false;
  let timer: LongTimer | undefined;
  let soon: NodeJS.Immediate | undefined;
  let current: Promise<void> | undefined;
  let wakeRequested = false;
  const idleMs = () => (typeof interval === 'number' ? interval : interval());

  const cancel = () => {
    timer?.clear();
    if (soon) clearImmediate(soon);
    timer = soon = undefined;
  };
  // "At once" is not a wait: it does not depend on the clock moving (a test's manual clock included).
  const schedule = (delay: number) => {
    if (stopped) return;
    cancel();
    if (delay > 0) {
      timer = clock.setTimeout(run, delay);
      return;
    }
    soon = setImmediate(run);
    soon.unref();
  };
  const run = () => {
    if (stopped || current) return;
    wakeRequested = false;
    current = (async () => {
      const outcome = await health.guard(round);
      const busy = outcome.ok && outcome.value;
      current = undefined;
      schedule(!outcome.ok ? health.delayMs(idleMs(), maxBackoffMs) : busy || wakeRequested ? 0 : idleMs());
    })();
  };
  schedule(0);
  return {
    wake() {
      if (stopped) return;
      if (current) wakeRequested = true;
      // While failing, the backoff timer decides (commits keep waking it when only the store is away).
      else if (health.streak === 0) schedule(0);
    },
    async stop() {
      stopped = true;
      cancel();
      await current;
    },
  };
}
