/**
 * @module jobs/poll-loop: runs a unit of background work again and again: at once while it finds work, else
 * after the poll interval or when woken (after a local commit). Never throws: a failing round is recorded on the
 * loop's dependency (logged once per outage) and the loop backs off, then carries on. stop() waits for the round
 * in progress.
 */
import type { Dependency } from '../health/dependency.js';

export interface PollLoop {
  wake(): void;
  stop(): Promise<void>;
}

/** `round` returns true when it did something (so the next round starts at once). */
export function startPollLoop(health: Dependency, intervalMs: number, round: () => Promise<boolean>): PollLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let wakeRequested = false;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
    timer.unref?.();
  };
  const run = () => {
    if (stopped || current) return;
    wakeRequested = false;
    current = (async () => {
      const outcome = await health.guard(round);
      const busy = outcome.ok && outcome.value;
      current = undefined;
      schedule(!outcome.ok ? health.delayMs(intervalMs) : busy || wakeRequested ? 0 : intervalMs);
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
      clearTimeout(timer);
      await current;
    },
  };
}
