/**
 * @module jobs/poll-loop: runs a unit of background work again and again: at once while it finds work, else
 * after the poll interval or when woken (after a local commit). Never throws: a failing round is logged and the
 * loop waits one interval. stop() waits for the round in progress.
 */
import type { FastifyBaseLogger } from 'fastify';

export interface PollLoop {
  wake(): void;
  stop(): Promise<void>;
}

/** `round` returns true when it did something (so the next round starts at once). */
export function startPollLoop(name: string, intervalMs: number, log: FastifyBaseLogger, round: () => Promise<boolean>): PollLoop {
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
      let busy = false;
      try {
        busy = await round();
      } catch (err) {
        if (!stopped) log.error({ err, loop: name }, 'background round failed');
      }
      current = undefined;
      schedule(busy || wakeRequested ? 0 : intervalMs);
    })();
  };
  schedule(0);
  return {
    wake() {
      if (stopped) return;
      if (current) wakeRequested = true;
      else schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
