/** The one polling helper of the test suites: waits for a condition instead of sleeping for a time. */

/** What a truthy check returned (never false, 0, '', null or undefined). */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Calls `check` every 25 ms until it returns a truthy value, and returns that value; an exception counts as
 * "not yet" (the last one is quoted). Fails with `what` after `timeoutMs` (a function: asked at the deadline, to
 * say what is still missing).
 */
export async function eventually<T>(check: () => T | Promise<T>, what: string | (() => string), timeoutMs = 60_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as Truthy<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
