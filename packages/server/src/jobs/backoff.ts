/** @module jobs/backoff: exponential backoff with "equal jitter": half the delay is fixed, half is random. */

/** The wait before retry number `attempt` (1 = after the first failure), never above `maxMs`. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.round(exp / 2 + random() * (exp / 2));
}
