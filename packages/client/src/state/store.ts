/** @module state/store: a tiny observable store: get, next, partialNext, subscribe (returns an unsubscribe). */

export type StoreListener<T> = (value: T, previous: T) => void;

export class StateStore<T extends object> {
  private value: T;
  private readonly listeners = new Set<StoreListener<T>>();

  constructor(initial: T) {
    this.value = initial;
  }

  get(): T {
    return this.value;
  }

  /** Replaces the state; listeners are not called when the new value is the same object. */
  next(value: T | ((current: T) => T)): void {
    const next = typeof value === 'function' ? (value as (current: T) => T)(this.value) : value;
    if (next === this.value) return;
    const previous = this.value;
    this.value = next;
    for (const fn of [...this.listeners]) fn(next, previous);
  }

  /** Merges a patch into the state (shallow). */
  partialNext(patch: Partial<T>): void {
    const changed = Object.keys(patch).some((k) => (patch as Record<string, unknown>)[k] !== (this.value as Record<string, unknown>)[k]);
    if (changed) this.next({ ...this.value, ...patch });
  }

  /**
   * Calls `fn` on every change; returns the unsubscribe function.
   *
   * @example
   * const off = client.state.subscribe((s) => render(s.chat.dialogs));
   */
  subscribe(fn: StoreListener<T>): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  /** Calls `fn` with the selected slice whenever it changes (compared with ===). */
  select<S>(selector: (value: T) => S, fn: (slice: S, previous: S) => void): () => void {
    let last = selector(this.value);
    return this.subscribe((value) => {
      const slice = selector(value);
      if (slice === last) return;
      const previous = last;
      last = slice;
      fn(slice, previous);
    });
  }
}
