/** @module stats: latency samples and the percentiles we print (exact: every sample is kept and sorted). */

export class Samples {
  private values: number[] = [];
  private sorted: Float64Array | null = null;

  add(v: number): void {
    this.values.push(v);
    this.sorted = null;
  }

  get count(): number {
    return this.values.length;
  }

  /** The q-th percentile (0..100), nearest-rank; null when there is no sample. */
  p(q: number): number | null {
    if (this.values.length === 0) return null;
    this.sorted ??= Float64Array.from(this.values).sort();
    const rank = Math.min(this.sorted.length - 1, Math.max(0, Math.ceil((q / 100) * this.sorted.length) - 1));
    return this.sorted[rank]!;
  }

  mean(): number | null {
    if (this.values.length === 0) return null;
    let sum = 0;
    for (const v of this.values) sum += v;
    return sum / this.values.length;
  }

  max(): number | null {
    return this.p(100);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `fn` over `items` with at most `limit` in flight; collects failures instead of throwing. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  onError?: (err: unknown) => void,
): Promise<number> {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (err) {
        failures++;
        onError?.(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return failures;
}

/** Resolves when `done()` is true, or after `timeoutMs`; returns whether it became true. */
export async function until(done: () => boolean, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > end) return false;
    await sleep(stepMs);
  }
  return true;
}
